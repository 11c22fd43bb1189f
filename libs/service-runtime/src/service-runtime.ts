import type { NatsConnection } from '@nats-io/transport-node';
import { platformEventRegistry, type EventRegistry, type ServiceName } from '@powernode/contracts';
import { EventStore, ProjectionRunner, ensureStream, eventstoreMigrations, type EventStoreConfig, type Projection } from '@powernode/eventstore';
import { Lease, RpcClient, connectNats, openDatabase, runWhileLeader, serveStatus, untilAborted, type BaseServiceConfig, type LeaderJob, type Logger } from '@powernode/service-kit';
import type { DataSource, MigrationInterface } from 'typeorm';
import { tracedProjection } from './traced-projection.js';

// Rows are contravariant in `evolve`, so a map of differently-typed projections needs `any` here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyProjection = Projection<any>;
type RowOf<P> = P extends Projection<infer R> ? R : never;
export type ProjectionRunners<P extends Record<string, AnyProjection>> = { [K in keyof P]: ProjectionRunner<RowOf<P[K]>> };

export interface ServiceRuntimeConfig extends BaseServiceConfig {
  DATABASE_SCHEMA: string;
  PLATFORM_SERVICE_TOKEN?: string;
}

export interface ServiceRuntimeOptions<P extends Record<string, AnyProjection>> {
  service: ServiceName;
  version: string;
  config: ServiceRuntimeConfig;
  logger: Logger;
  /** The service's own migrations; the event store's (checkpoints, dead letters) are added. */
  migrations?: (new () => MigrationInterface)[];
  projections: P;
}

/**
 * What every service holds while it runs: NATS, its PostgreSQL schema (migrated), the event
 * store, its projections (started), an RPC client and its status responder.
 */
export class ServiceRuntime<P extends Record<string, AnyProjection>> {
  private constructor(
    readonly service: ServiceName,
    readonly config: ServiceRuntimeConfig,
    readonly logger: Logger,
    readonly registry: EventRegistry,
    readonly nc: NatsConnection,
    readonly db: DataSource,
    readonly store: EventStore,
    readonly rpc: RpcClient,
    readonly projections: ProjectionRunners<P>,
    /**
     * Held by the one replica that applies the service's projections: two replicas pulling one durable consumer
     * would take turns deferring each other's out-of-order messages. Every replica reads the tables and waits for
     * checkpoints; the holder's in-process reactions (onApplied) run once. Other runners of the service run under it too.
     */
    readonly projectionLease: Lease,
    private readonly stopStatus: () => void,
    private readonly stopApplying: () => Promise<void>,
  ) {}

  static async start<P extends Record<string, AnyProjection>>(options: ServiceRuntimeOptions<P>): Promise<ServiceRuntime<P>> {
    const { config, logger, service } = options;
    const registry = platformEventRegistry();
    const nc = await connectNats(config.NATS_URL, service);
    const db = await openDatabase({
      url: config.DATABASE_URL,
      schema: config.DATABASE_SCHEMA,
      migrations: [...eventstoreMigrations(), ...(options.migrations ?? [])],
    }).catch(async (error: Error) => {
      await nc.close();
      throw new Error(`cannot open PostgreSQL at ${redactUrl(config.DATABASE_URL)}: ${error.message}`, { cause: error });
    });
    const storeConfig: EventStoreConfig = { stream: config.EVENT_STREAM, subjectPrefix: config.EVENT_SUBJECT_PREFIX, replicas: config.EVENT_STREAM_REPLICAS };
    const runners = {} as ProjectionRunners<P>;
    const lease = new Lease({ db, schema: config.DATABASE_SCHEMA, name: 'projections', logger });
    let applying: LeaderJob | undefined;
    try {
      await ensureStream(nc, storeConfig);
      for (const [key, projection] of Object.entries(options.projections) as [keyof P, AnyProjection][]) {
        const runner = new ProjectionRunner({ nc, dataSource: db, store: storeConfig, registry, service: config.DATABASE_SCHEMA, projection: tracedProjection(projection), logger });
        await runner.prepare();
        runners[key] = runner as ProjectionRunners<P>[keyof P];
      }
      await lease.start();
      applying = runWhileLeader(lease, (signal) => applyWhile(Object.values(runners) as ProjectionRunner<never>[], signal, logger), logger);
    } catch (error) {
      await applying?.stop();
      await lease.stop();
      await nc.close();
      await db.destroy();
      throw error;
    }
    const status = serveStatus(nc, config.RPC_SUBJECT_PREFIX, service, options.version);
    const rpc = new RpcClient(nc, config.RPC_SUBJECT_PREFIX, { serviceToken: config.PLATFORM_SERVICE_TOKEN });
    const stopApplying = async () => {
      await applying.stop();
      await lease.stop();
    };
    return new ServiceRuntime(service, config, logger, registry, nc, db, new EventStore(nc, storeConfig, registry), rpc, runners, lease, () => status.unsubscribe(), stopApplying);
  }

  /** Graceful shutdown: stop answering status, stop projections (a standby replica takes them over), drain NATS, close PostgreSQL. */
  async close(): Promise<void> {
    this.stopStatus();
    await this.stopApplying();
    await this.nc.drain().catch(() => undefined);
    await this.db.destroy().catch(() => undefined);
  }
}

/** Applies the runners' projections until `signal` aborts (the lease is lost or the service stops); a failed start is retried. */
export async function applyWhile(runners: readonly Pick<ProjectionRunner<never>, 'start' | 'stop'>[], signal: AbortSignal, logger: Logger): Promise<void> {
  try {
    for (let delayMs = 500; !signal.aborted; delayMs = Math.min(delayMs * 2, 10_000)) {
      try {
        for (const runner of runners) await runner.start();
        break;
      } catch (error) {
        logger.error({ err: error, retry_in_ms: delayMs }, 'projections did not start; retrying');
        await Promise.race([new Promise((resolve) => setTimeout(resolve, delayMs)), untilAborted(signal)]);
      }
    }
    await untilAborted(signal);
  } finally {
    await Promise.all(runners.map((runner) => runner.stop()));
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
