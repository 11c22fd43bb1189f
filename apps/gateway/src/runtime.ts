import type { NatsConnection } from '@nats-io/transport-node';
import { platformEventRegistry, type EventRegistry } from '@powernode/contracts';
import { EventStore, ProjectionRunner, ensureStream, eventstoreMigrations, type EventStoreConfig, type Projection } from '@powernode/eventstore';
import { RpcClient, connectNats, openDatabase, serveStatus, type Logger } from '@powernode/service-kit';
import type { DataSource } from 'typeorm';
import type { GatewayConfig } from './config.js';
import { eventLogProjection, type EventLogRow } from './events/event-log.projection.js';
import { operatorAccountsProjection, type OperatorAccountRow } from './identity/projections/operator-accounts.projection.js';
import { operatorTokensProjection, type OperatorTokenRow } from './identity/projections/operator-tokens.projection.js';
import { tracedProjection } from './events/traced-projection.js';

export const GATEWAY_VERSION = '0.1.0';

export interface GatewayProjections {
  eventLog: ProjectionRunner<EventLogRow>;
  accounts: ProjectionRunner<OperatorAccountRow>;
  tokens: ProjectionRunner<OperatorTokenRow>;
}

/** The gateway's connections and projections: opened once at boot, closed once at shutdown. */
export class GatewayRuntime {
  private constructor(
    readonly config: GatewayConfig,
    readonly logger: Logger,
    readonly registry: EventRegistry,
    readonly nc: NatsConnection,
    readonly db: DataSource,
    readonly store: EventStore,
    readonly rpc: RpcClient,
    readonly projections: GatewayProjections,
    private readonly stopStatus: () => void,
  ) {}

  static async start(config: GatewayConfig, logger: Logger): Promise<GatewayRuntime> {
    const registry = platformEventRegistry();
    const nc = await connectNats(config.NATS_URL, 'gateway');
    const db = await openDatabase({ url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA, migrations: eventstoreMigrations() }).catch(
      async (error: Error) => {
        await nc.close();
        throw new Error(`cannot open PostgreSQL at ${redactUrl(config.DATABASE_URL)}: ${error.message}`, { cause: error });
      },
    );
    const storeConfig: EventStoreConfig = {
      stream: config.EVENT_STREAM,
      subjectPrefix: config.EVENT_SUBJECT_PREFIX,
      replicas: config.EVENT_STREAM_REPLICAS,
    };
    await ensureStream(nc, storeConfig);
    const runner = <R extends Record<string, unknown>>(projection: Projection<R>) =>
      new ProjectionRunner<R>({ nc, dataSource: db, store: storeConfig, registry, service: config.DATABASE_SCHEMA, projection: tracedProjection(projection), logger });
    const projections: GatewayProjections = {
      eventLog: runner(eventLogProjection(registry.list())),
      accounts: runner(operatorAccountsProjection),
      tokens: runner(operatorTokensProjection),
    };
    for (const p of Object.values(projections)) await p.start();
    const status = serveStatus(nc, config.RPC_SUBJECT_PREFIX, 'gateway', GATEWAY_VERSION);
    return new GatewayRuntime(config, logger, registry, nc, db, new EventStore(nc, storeConfig, registry), new RpcClient(nc, config.RPC_SUBJECT_PREFIX), projections, () =>
      status.unsubscribe(),
    );
  }

  /** Graceful shutdown: stop projections, drain NATS, close PostgreSQL. */
  async close(): Promise<void> {
    this.stopStatus();
    await Promise.all(Object.values(this.projections).map((p) => p.stop()));
    await this.nc.drain().catch(() => undefined);
    await this.db.destroy().catch(() => undefined);
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
