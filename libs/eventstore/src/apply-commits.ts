import type { EventEnvelope, EventRegistry } from '@powernode/contracts';
import type { QueryRunner } from 'typeorm';
import { decodeForProjection, describe, type DeadLetter } from './decode-for-projection.js';
import type { Projection, ProjectionPosition } from './projection.js';
import { insertDeadLetters, loadRows, writeRows } from './projection-sql.js';
import type { StoredCommit } from './read-commits.js';

export interface ApplyTarget<Row extends Record<string, unknown>> {
  schema: string;
  table: string;
  projection: Projection<Row>;
  registry: EventRegistry;
  /** Live runners record dead letters; a rebuild only skips them (the live run already recorded them). */
  recordDeadLetters: boolean;
}

export interface ApplyOutcome {
  applied: { event: EventEnvelope; position: ProjectionPosition }[];
  deadLetters: DeadLetter[];
}

/**
 * Applies commits (in stream order, none applied before) inside the caller's transaction: one read of
 * the touched rows, evolve in memory, one write. The same code serves live runs and rebuilds,
 * which is what makes a rebuild equal the live table.
 */
export async function applyCommits<Row extends Record<string, unknown>>(q: QueryRunner, target: ApplyTarget<Row>, commits: StoredCommit[]): Promise<ApplyOutcome> {
  const { projection, registry, schema, table } = target;
  const handles = new Set(projection.canHandle);
  const outcome: ApplyOutcome = { applied: [], deadLetters: [] };
  const pending: { event: EventEnvelope; position: ProjectionPosition; key: string }[] = [];
  for (const stored of commits) {
    const decoded = decodeForProjection(stored, handles, registry);
    outcome.deadLetters.push(...decoded.deadLetters);
    for (const { event, index } of decoded.events) {
      try {
        pending.push({ event, position: { seq: stored.seq, index }, key: projection.keyOf(event) });
      } catch (error) {
        outcome.deadLetters.push(deadLetterOf(event, stored.seq, index, `keyOf threw: ${describe(error)}`));
      }
    }
  }
  const stored = await loadRows(q, schema, table, [...new Set(pending.map((p) => p.key))]);
  // Docs are kept as the JSON we write, and re-parsed for the next evolve, so a batch sees exactly what
  // a later batch would read back from jsonb (and evolve cannot mutate a previous state in place).
  const next = new Map<string, { doc: string | null; position: number }>();
  for (const { event, position, key } of pending) {
    const current = next.get(key);
    const row = (current ? (current.doc === null ? null : JSON.parse(current.doc)) : (stored.get(key) ?? null)) as Row | null;
    try {
      const evolved = projection.evolve(row, event, position);
      next.set(key, { doc: evolved === null ? null : JSON.stringify(evolved), position: position.seq });
      outcome.applied.push({ event, position });
    } catch (error) {
      outcome.deadLetters.push(deadLetterOf(event, position.seq, position.index, `evolve threw: ${describe(error)}`));
    }
  }
  await writeRows(q, schema, table, next);
  if (target.recordDeadLetters) await insertDeadLetters(q, schema, projection, outcome.deadLetters);
  return outcome;
}

function deadLetterOf(event: EventEnvelope, seq: number, index: number, error: string): DeadLetter {
  return { seq, index, eventId: event.id, kind: event.kind, error, payload: event };
}
