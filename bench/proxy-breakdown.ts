// Where a gateway `docker_list_containers` call's time goes: each piece on its own, sequentially, as the gateway and
// the docker-proxy run it (their own database pools, NATS connection and daemon pool).
import type Docker from 'dockerode';
import { dockerActions } from '@powernode/contracts';
import { DaemonOperations } from '../apps/docker-proxy/src/daemon/daemon-operations.js';
import { HealthBook } from '../apps/docker-proxy/src/health/health-book.js';
import { HostDirectory } from '../apps/docker-proxy/src/hosts/host-directory.js';
import { TokenAuthenticator } from '../apps/gateway/src/identity/authenticator.js';
import { meanMs, type Probe } from './proxy-load.js';
import type { LocalPlatform, LocalProcessPlatform } from './support/local-platform.js';

export interface BreakdownTarget {
  local: LocalPlatform | LocalProcessPlatform;
  hostId: string;
  overlay: string;
  authorization: string;
  direct: Docker;
  /** The whole gateway call, for reference in the same loop. */
  gatewayCall: Probe;
  /** GET /healthz on the gateway over the client's keep-alive agent. */
  healthz: Probe;
}

/** Prints the mean of `n` sequential calls of each piece. */
export async function printBreakdown(t: BreakdownTarget, n: number): Promise<void> {
  const pieces = 'runtime' in t.local.dockerProxy ? await inProcessPieces(t, t.local as LocalPlatform) : processPieces(t);
  console.log(`\nbreakdown (mean of ${n} sequential calls each):`);
  for (const [name, probe] of pieces) console.log(`  ${(await meanMs(probe, n)).toFixed(3).padStart(8)} ms  ${name}`);
}

/** With the services in their own processes only their edges can be timed from here. */
function processPieces(t: BreakdownTarget): [string, Probe][] {
  return [
    ['whole gateway call (HTTP POST, for reference)', t.gatewayCall],
    ['gateway GET /healthz (Nest+express, one PG SELECT 1)', t.healthz],
    ['bench rpc.call → docker-proxy (NATS + the proxy)', () => t.local.dockerProxy.call(dockerActions.dockerListContainers, { host_id: t.hostId, all: true }, { caller: 'bench' })],
    ['direct dockerode listContainers', () => t.direct.listContainers({ all: true })],
  ];
}

async function inProcessPieces(t: BreakdownTarget, local: LocalPlatform): Promise<[string, Probe][]> {
  const gateway = local.gateway!;
  const proxy = local.dockerProxy;
  const auth = new TokenAuthenticator(gateway.runtime.db, gateway.config.DATABASE_SCHEMA);
  const directory = new HostDirectory(proxy.runtime, new HealthBook());
  const poolDocker = await proxy.pool.docker(t.hostId, t.overlay);
  const host = { id: t.hostId, overlay: t.overlay };
  const summaries = await new DaemonOperations(poolDocker, host, 10_000).listContainers(true);
  const caller = { account_id: 'bench', name: 'bench', roles: ['admin'] };
  const pieces: [string, Probe][] = [
    ['whole gateway call (HTTP POST, for reference)', t.gatewayCall],
    ['gateway GET /healthz (Nest+express, one PG SELECT 1)', t.healthz],
    ['gateway TokenAuthenticator.authenticate (PG join)', () => auth.authenticate(t.authorization)],
    ['gateway rpc.call → docker-proxy (NATS + everything below)', () => gateway.runtime.rpc.call(dockerActions.dockerListContainers, { input: { host_id: t.hostId, all: true }, caller })],
    ['docker-proxy HostDirectory.connected (PG selectRow)', () => directory.connected(t.hostId)],
    ['docker-proxy DaemonPool.docker (tls() + map lookup)', () => proxy.pool.docker(t.hostId, t.overlay)],
    ['docker-proxy new DaemonOperations + listContainers (pool client)', () => new DaemonOperations(poolDocker, host, 10_000).listContainers(true)],
    ['pool dockerode listContainers (no DaemonOperations)', () => poolDocker.listContainers({ all: true })],
    ['direct dockerode listContainers', () => t.direct.listContainers({ all: true })],
    [`action server output parse (zod, ${summaries.length} containers)`, async () => dockerActions.dockerListContainers.output.parse({ containers: summaries })],
  ];
  return pieces;
}
