import { DataSource, type MigrationInterface } from 'typeorm';

type MigrationClass = new () => MigrationInterface;

export interface DatabaseOptions {
  url: string;
  /** The service's own PostgreSQL schema; its migrations table lives there too. */
  schema: string;
  migrations: MigrationClass[];
  poolSize?: number;
}

/** A TypeORM data source for one service: its own schema, migrations only, never `synchronize`. */
export function createDataSource(options: DatabaseOptions): DataSource {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
  return new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    migrations: options.migrations,
    extra: { max: options.poolSize ?? 10 },
    logging: false,
  });
}

/** Opens the data source, creates the service's schema if missing, and applies pending migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const ds = createDataSource(options);
  await ds.initialize();
  // Replicas starting together would race to create the schema and migrations table: one at a time.
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`powernode.migrations.${options.schema}`]);
    try {
      await ds.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`powernode.migrations.${options.schema}`]);
      await lock.release();
    }
  } catch (error) {
    await ds.destroy().catch(() => undefined);
    throw error;
  }
  return ds;
}
