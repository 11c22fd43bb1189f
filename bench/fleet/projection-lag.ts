import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';

/** One projection's distance behind the stream: last appended sequence minus its committed checkpoint. */
export interface ProjectionLag {
  projection: string;
  lag: number;
}

/**
 * Samples every projection of the given schemas (their `projection_checkpoints`) against the stream's last
 * sequence, as an operator's dashboard would.
 */
export class ProjectionLagSampler {
  private readonly db: pg.Client;

  constructor(
    private readonly nc: NatsConnection,
    private readonly stream: string,
    private readonly schemas: readonly string[],
    databaseUrl: string,
  ) {
    this.db = new pg.Client({ connectionString: databaseUrl });
  }

  async open(): Promise<void> {
    await this.db.connect();
  }

  /** One sample at a time on the one connection: an overlapping call waits for the sample under way. */
  sample(): Promise<{ lastSeq: number; lags: ProjectionLag[] }> {
    this.current = this.current.catch(() => undefined).then(() => this.read());
    return this.current;
  }

  private current: Promise<{ lastSeq: number; lags: ProjectionLag[] }> = Promise.resolve({ lastSeq: 0, lags: [] });

  private async read(): Promise<{ lastSeq: number; lags: ProjectionLag[] }> {
    const jsm = await jetstreamManager(this.nc);
    const lastSeq = (await jsm.streams.info(this.stream)).state.last_seq;
    const lags: ProjectionLag[] = [];
    for (const schema of this.schemas) {
      const exists = await this.db.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, 'projection_checkpoints']);
      if (exists.rowCount === 0) continue;
      const rows = await this.db.query<{ projection: string; position: string }>(`SELECT projection, position FROM "${schema}".projection_checkpoints`);
      for (const row of rows.rows) lags.push({ projection: `${schema}.${row.projection}`, lag: Math.max(0, lastSeq - Number(row.position)) });
    }
    return { lastSeq, lags };
  }

  async close(): Promise<void> {
    await this.db.end().catch(() => undefined);
  }
}
