import type { NatsConnection } from '@nats-io/transport-node';
import type { EventRegistry } from '@powernode/contracts';
import { schemaOf } from './schema-of.js';
import type { DataSource } from 'typeorm';
import { applyCommits } from './apply-commits.js';
import { projectionTable, type Projection } from './projection.js';
import { createProjectionTable, qualified } from './projection-sql.js';
import { readCommits, type StoredCommit } from './read-commits.js';
import type { EventStoreConfig } from './stream-config.js';

export interface RebuildOptions<Row extends Record<string, unknown>> {
  nc: NatsConnection;
  dataSource: DataSource;
  store: EventStoreConfig;
  registry: EventRegistry;
  projection: Projection<Row>;
  /** Defaults to `${name}_v${version}_rebuild`; dropped and recreated. */
  table?: string;
  batchSize?: number;
}

export interface RebuildResult {
  table: string;
  /** The last stream seq replayed (0 for an empty stream). */
  position: number;
  applied: number;
}

/** Replays the whole stream into a fresh table with the projection's own evolve; compare it with diffTables. */
export async function rebuildProjection<Row extends Record<string, unknown>>(options: RebuildOptions<Row>): Promise<RebuildResult> {
  const { dataSource: ds, projection } = options;
  const schema = schemaOf(ds.options);
  const table = options.table ?? `${projectionTable(projection)}_rebuild`;
  const batchSize = options.batchSize ?? 500;
  await ds.query(`DROP TABLE IF EXISTS ${qualified(schema, table)}`);
  await createProjectionTable(ds, schema, table);
  const result: RebuildResult = { table, position: 0, applied: 0 };
  const flush = async (batch: StoredCommit[]) => {
    if (!batch.length) return;
    await ds.transaction(async (manager) => {
      const outcome = await applyCommits(manager.queryRunner!, { schema, table, projection, registry: options.registry, recordDeadLetters: false }, batch);
      result.applied += outcome.applied.length;
    });
    result.position = batch[batch.length - 1]!.seq;
  };
  let batch: StoredCommit[] = [];
  for await (const commit of readCommits(options.nc, options.store, 1, batchSize)) {
    batch.push(commit);
    if (batch.length >= batchSize) {
      await flush(batch);
      batch = [];
    }
  }
  await flush(batch);
  return result;
}
