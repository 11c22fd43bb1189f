import { jetstreamManager } from '@nats-io/jetstream';
import { SERVICES, caActions, platformActions, registryActions } from '@powernode/contracts';
import { collectStatus, handle, type ActionHandler } from '@powernode/service-kit';
import type { EventLogQuery } from '../events/event-log.query.js';
import type { GatewayRuntime } from '../runtime.js';

export function platformHandlers(runtime: GatewayRuntime, eventLog: EventLogQuery): [string, ActionHandler][] {
  return [
    handle(platformActions.recentEvents, async (input) => {
      const rows = await eventLog.recent(input);
      return {
        events: rows.map((r) => ({ id: r.id, kind: r.kind, aggregate_id: r.aggregate_id, occurred_at: r.occurred_at, actor: r.actor, data: r.data })),
      };
    }),
    handle(platformActions.platformProvisioningStatus, async () => {
      const [jetstream, postgres, services, ca, registry] = await Promise.all([
        streamStatus(runtime),
        runtime.db.query('SHOW server_version').then(
          (rows: { server_version: string }[]) => ({ reachable: true, version: rows[0]?.server_version }),
          (error: Error) => ({ reachable: false, error: error.message }),
        ),
        Promise.all(
          SERVICES.map(async (name) => {
            const replicas = await collectStatus(runtime.nc, runtime.config.RPC_SUBJECT_PREFIX, name);
            return { name, reachable: replicas.length > 0, instances: replicas.length, version: replicas[0]?.version };
          }),
        ),
        caStatus(runtime),
        registryStatus(runtime),
      ]);
      return {
        nats: { reachable: !runtime.nc.isClosed(), version: runtime.nc.info?.version },
        jetstream,
        postgres,
        services,
        ...(ca.adapter ? { ca_adapter: ca.adapter } : {}),
        ca: ca.status,
        ...(registry ? { registry } : {}),
      };
    }),
  ];
}

/** The CA's adapter and preflight (can it sign, is its chain valid, days left on the intermediate). */
async function caStatus(runtime: GatewayRuntime) {
  try {
    const status = (await runtime.rpc.callInternal(caActions.caStatus, {}, 'gateway')) as ReturnType<typeof caActions.caStatus.output.parse>;
    const { ca_adapter: adapter, ...preflight } = status;
    return { adapter, status: { reachable: true, ...preflight } };
  } catch (error) {
    return { adapter: undefined, status: { reachable: false, error: (error as Error).message } };
  }
}

/** The platform image registry, asked from docker-proxy; NotFound means none is configured (left out). */
async function registryStatus(runtime: GatewayRuntime) {
  try {
    const status = (await runtime.rpc.callInternal(registryActions.dockerRegistryStatus, {}, 'gateway')) as ReturnType<typeof registryActions.dockerRegistryStatus.output.parse>;
    return { url: status.url, images: status.images, ready: status.ready, reachable: true, ...(status.error !== undefined ? { error: status.error } : {}) };
  } catch (error) {
    if ((error as { code?: string }).code === 'NotFound') return undefined;
    return { images: [], ready: false, reachable: false, error: (error as Error).message };
  }
}

async function streamStatus(runtime: GatewayRuntime) {
  const stream = runtime.config.EVENT_STREAM;
  try {
    const jsm = await jetstreamManager(runtime.nc);
    const info = await jsm.streams.info(stream);
    return { reachable: true, stream, messages: info.state.messages };
  } catch (error) {
    return { reachable: false, stream, error: (error as Error).message };
  }
}
