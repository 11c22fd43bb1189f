import type { EventEnvelope } from '@powernode/contracts';

/** Where an event sits in the stream: the commit's seq and the event's index inside that commit. */
export interface ProjectionPosition {
  seq: number;
  index: number;
}

/** A read model: a pure `evolve` over the events it handles, one row per key (emmett's PostgreSQL projection). */
export interface Projection<Row extends Record<string, unknown>> {
  /** `[a-z_]+`; with `version` it names the table and the consumer. */
  name: string;
  /** Bumping it starts a new table replayed from seq 1. */
  version: number;
  canHandle: readonly string[];
  keyOf: (event: EventEnvelope) => string;
  /** Returns the row's next state; `null` deletes it. Rows must be JSON values: they round-trip through jsonb. */
  evolve: (row: Row | null, event: EventEnvelope, position: ProjectionPosition) => Row | null;
}

const NAME = /^[a-z_]+$/;

/** The projection's table in its service schema: `${name}_v${version}`. */
export function projectionTable(projection: Pick<Projection<never>, 'name' | 'version'>): string {
  if (!NAME.test(projection.name)) throw new Error(`invalid projection name ${JSON.stringify(projection.name)}`);
  if (!Number.isSafeInteger(projection.version) || projection.version < 1) throw new Error(`invalid projection version ${projection.version}`);
  return `${projection.name}_v${projection.version}`;
}

/** Quotes a validated identifier; table and schema names come from code, never from input. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid SQL identifier ${JSON.stringify(name)}`);
  return `"${name}"`;
}
