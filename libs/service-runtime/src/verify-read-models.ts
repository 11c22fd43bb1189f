import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { platformEventRegistry, type EventRegistry } from '@powernode/contracts';
import { diffTables, projectionTable, ProjectionRunner, rebuildProjection, type EventStoreConfig, type Projection, type TableDiff } from '@powernode/eventstore';
import { openDatabase } from '@powernode/service-kit';
import type { DataSource } from 'typeorm';

export interface ReadModelCheck {
  projection: string;
  /** The stream sequence both the live table and the rebuild cover. */
  position: number;
  diff: TableDiff;
}

/** What a rebuild needs of a service: a running ServiceRuntime, or `openReadModels` for one running elsewhere. */
export interface ReadModelOwner {
  nc: NatsConnection;
  db: DataSource;
  registry: EventRegistry;
  store: { config: EventStoreConfig };
  config: { DATABASE_SCHEMA: string };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- runners of any row type (rows are contravariant in evolve)
  projections: Record<string, ProjectionRunner<any>>;
}

/**
 * Rebuild equals live: waits until each of the service's projections has applied the whole stream, replays the
 * stream into a scratch table with the projection's own evolve, and compares the two row by row (empty diffs
 * mean equal). The scratch tables are dropped afterwards. The comparison holds only while nothing is appended, so a
 * round during which the stream moved (a late heartbeat's liveness transition, say) is not trusted and is done
 * again, up to `attempts` rounds; the last round's checks are returned either way.
 */
export async function verifyReadModels(owner: ReadModelOwner, timeoutMs = 30_000, attempts = 5): Promise<ReadModelCheck[]> {
  const jsm = await jetstreamManager(owner.nc);
  const lastSeq = async () => (await jsm.streams.info(owner.store.config.stream)).state.last_seq;
  for (let attempt = 1; ; attempt += 1) {
    const before = await lastSeq();
    const checks: ReadModelCheck[] = [];
    for (const runner of Object.values(owner.projections)) {
      await runner.waitFor(before, timeoutMs);
      const rebuilt = await rebuildProjection({ nc: owner.nc, dataSource: owner.db, store: owner.store.config, registry: owner.registry, projection: runner.projection });
      try {
        const diff = await diffTables(owner.db, owner.config.DATABASE_SCHEMA, projectionTable(runner.projection), rebuilt.table);
        checks.push({ projection: runner.projection.name, position: rebuilt.position, diff });
      } finally {
        await owner.db.query(`DROP TABLE IF EXISTS "${owner.config.DATABASE_SCHEMA}"."${rebuilt.table}"`);
      }
    }
    if ((await lastSeq()) === before || attempt >= attempts) return checks;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/**
 * The read models of a service that runs in other processes (its schema in `databaseUrl`), for verifyReadModels
 * from a test: runners that only read checkpoints, never apply. `close()` closes the database connection.
 */
export async function openReadModels(options: {
  nc: NatsConnection;
  databaseUrl: string;
  schema: string;
  store: EventStoreConfig;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- projections of any row type
  projections: Record<string, Projection<any>>;
}): Promise<ReadModelOwner & { close(): Promise<void> }> {
  const { nc, databaseUrl, schema, store } = options;
  const db = await openDatabase({ url: databaseUrl, schema, migrations: [], poolSize: 2 });
  const registry = platformEventRegistry();
  const projections = Object.fromEntries(
    Object.entries(options.projections).map(([key, projection]) => [key, new ProjectionRunner({ nc, dataSource: db, store, registry, service: schema, projection })]),
  );
  return { nc, db, registry, store: { config: store }, config: { DATABASE_SCHEMA: schema }, projections, close: () => db.destroy() };
}
