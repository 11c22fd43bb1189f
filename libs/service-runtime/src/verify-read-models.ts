import { jetstreamManager } from '@nats-io/jetstream';
import { diffTables, projectionTable, rebuildProjection, type Projection, type ProjectionRunner, type TableDiff } from '@powernode/eventstore';
import type { ServiceRuntime } from './service-runtime.js';

export interface ReadModelCheck {
  projection: string;
  /** The stream sequence both the live table and the rebuild cover. */
  position: number;
  diff: TableDiff;
}

/**
 * Rebuild equals live: waits until each of the service's projections has applied the whole stream, replays the
 * stream into a scratch table with the projection's own evolve, and compares the two row by row (empty diffs
 * mean equal). The scratch tables are dropped afterwards. Meant for a quiet platform: events appended while it
 * runs show up as differences.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- projections of any row type
export async function verifyReadModels<P extends Record<string, Projection<any>>>(runtime: ServiceRuntime<P>, timeoutMs = 30_000): Promise<ReadModelCheck[]> {
  const jsm = await jetstreamManager(runtime.nc);
  const lastSeq = (await jsm.streams.info(runtime.store.config.stream)).state.last_seq;
  const checks: ReadModelCheck[] = [];
  for (const runner of Object.values(runtime.projections) as ProjectionRunner<Record<string, unknown>>[]) {
    await runner.waitFor(lastSeq, timeoutMs);
    const rebuilt = await rebuildProjection({ nc: runtime.nc, dataSource: runtime.db, store: runtime.store.config, registry: runtime.registry, projection: runner.projection });
    try {
      const diff = await diffTables(runtime.db, runtime.config.DATABASE_SCHEMA, projectionTable(runner.projection), rebuilt.table);
      checks.push({ projection: runner.projection.name, position: rebuilt.position, diff });
    } finally {
      await runtime.db.query(`DROP TABLE IF EXISTS "${runtime.config.DATABASE_SCHEMA}"."${rebuilt.table}"`);
    }
  }
  return checks;
}
