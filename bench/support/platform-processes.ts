// The platform's services as processes from a build, each as N replicas through scripts/replicas.mjs (node:cluster:
// the replicas of a listening service share its port), as `npm start` runs them. For benchmarks and tests of the
// scaled-out shape: per-service CPU and memory are then each its own processes'.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { caActions, catalogActions, dockerActions, handshakeActions, sdwanActions, type ActionDef } from '@powernode/contracts';
import { RpcClient, connectNats } from '@powernode/service-kit';
import { actionCaller, dropTestPlatform, freeLoopbackPort, type ActionCall, type TestPlatformEnv } from '@powernode/testing';
import { localProviderOverrides } from '../../apps/catalog/src/testing/test-catalog.js';

export const PLATFORM_SERVICES = ['ca', 'handshake', 'catalog', 'sdwan', 'docker-proxy', 'gateway'] as const;
export type PlatformService = (typeof PLATFORM_SERVICES)[number];

export interface PlatformProcessesOptions {
  /** Where `apps/<svc>/src/main.js` are (the repo's `dist`, or a scratch build). */
  buildDir: string;
  /** Replicas per service (default 1); services not listed in `services` are not started. */
  replicas?: Partial<Record<PlatformService, number>>;
  services?: readonly PlatformService[];
  /** Extra environment per service. */
  env?: Partial<Record<PlatformService, Record<string, string>>>;
  /**
   * Instances by the local provider (real namespaces, each with the agent at `agentEntry` dialling the handshake,
   * which then listens on every address): names under `prefix`. Without it the catalog only records instances.
   */
  localProvider?: { prefix: string; agentEntry: string };
  /** Where the platform image registry serves (`<ip>:<port>`, docker-proxy); the handshake has daemons trust it. */
  registryAddr?: string;
  /** Every complete output line of every process of a service (`output()` keeps only the tail). */
  onLine?: (service: PlatformService, line: string) => void;
}

export interface ServiceGroup {
  service: PlatformService;
  replicas: number;
  /** The replicas.mjs primary; its children are the replicas. */
  primary: ChildProcess;
  output(): string;
}

export interface PlatformProcesses {
  platform: TestPlatformEnv;
  groups: ServiceGroup[];
  /** The agent-facing URL of the handshake service (its replicas share the port). */
  handshakeUrl: URL;
  /** The gateway's HTTP address (its replicas share the port) and the admin operator token it wrote, when started. */
  gateway?: { httpUrl: string; adminToken: string };
  /** The services' state (the CA's and the gateway's files, the local provider's instances, the registry's storage). */
  stateDir: string;
  /** An action over NATS as a platform service, or as an operator. */
  call: ActionCall;
  rpc: RpcClient;
  nc: NatsConnection;
  /** Every process of a service: the primary and its replicas. */
  pidsOf(service: PlatformService): number[];
  /** SIGTERM every service (each replica closes itself), then drops the platform's stream and schemas. */
  destroy(options?: { keepData?: boolean }): Promise<void>;
}

/** A question each service answers once it is up (over NATS, through its queue group). */
export const SERVICE_READY: Record<Exclude<PlatformService, 'gateway'>, [ActionDef, unknown]> = {
  ca: [caActions.caStatus, {}],
  handshake: [handshakeActions.systemListManagedDockerHosts, {}],
  catalog: [catalogActions.systemListTemplates, {}],
  sdwan: [sdwanActions.systemSdwanListNetworks, {}],
  'docker-proxy': [dockerActions.dockerListHosts, {}],
};

export async function startPlatformProcesses(platform: TestPlatformEnv, options: PlatformProcessesOptions): Promise<PlatformProcesses> {
  const services = options.services ?? PLATFORM_SERVICES;
  const stateDir = await mkdtemp(join(tmpdir(), 'powernode-processes-'));
  const handshakePort = await freeLoopbackPort();
  const { localProvider, registryAddr } = options;
  const registry: Record<string, string> = registryAddr ? { PLATFORM_REGISTRY_ADDR: registryAddr } : {};
  const base: Record<PlatformService, Record<string, string>> = {
    ca: { CA_HTTP_PORT: '0', CA_KEK: Buffer.alloc(32, 5).toString('base64'), POWERNODE_STATE_DIR: join(stateDir, 'ca') },
    handshake: { HANDSHAKE_HOST: localProvider ? '::' : '127.0.0.1', HANDSHAKE_PORT: String(handshakePort), ...registry },
    catalog: localProvider
      ? localProviderOverrides({ ...localProvider, handshakePort, stateDir: join(stateDir, 'catalog') })
      : { INSTANCE_PROVIDER: 'none' },
    sdwan: { SDWAN_HTTP_PORT: '0' },
    'docker-proxy': { ...registry, PLATFORM_REGISTRY_DIR: join(stateDir, 'registry') },
    gateway: { GATEWAY_HTTP_PORT: '0', GATEWAY_GRPC_ADDR: '127.0.0.1:0', POWERNODE_STATE_DIR: join(stateDir, 'gateway') },
  };
  const nc = await connectNats(platform.env.NATS_URL!, 'platform-processes');
  const rpc = new RpcClient(nc, platform.env.RPC_SUBJECT_PREFIX!, { serviceToken: platform.env.PLATFORM_SERVICE_TOKEN! });
  const call = actionCaller(rpc);
  const groups: ServiceGroup[] = [];
  const destroy = async ({ keepData = false } = {}) => {
    await Promise.all(groups.map((g) => stopGroup(g)));
    await nc.close().catch(() => undefined);
    if (!keepData) await dropTestPlatform(platform, [...services]);
    await rm(stateDir, { recursive: true, force: true });
  };
  try {
    // The CA first: every other service asks it for its own certificate at boot.
    for (const service of [...services].sort((a, b) => Number(b === 'ca') - Number(a === 'ca'))) {
      const replicas = options.replicas?.[service] ?? 1;
      const env = { ...(platform.env as Record<string, string>), DATABASE_SCHEMA: platform.schemaOf(service), ...base[service], ...options.env?.[service] };
      const group = spawnGroup(service, replicas, join(options.buildDir, 'apps', service, 'src', 'main.js'), env, options.onLine);
      groups.push(group);
      if (service !== 'gateway') {
        const [action, input] = SERVICE_READY[service];
        await until(service, group, () => call(action, input));
      }
    }
    const gatewayGroup = groups.find((g) => g.service === 'gateway');
    const gateway = gatewayGroup ? await gatewayReady(gatewayGroup, join(stateDir, 'gateway')) : undefined;
    return {
      platform,
      groups,
      handshakeUrl: new URL(`https://127.0.0.1:${handshakePort}`),
      ...(gateway ? { gateway } : {}),
      stateDir,
      call,
      rpc,
      nc,
      pidsOf: (service) => groups.filter((g) => g.service === service).flatMap((g) => [g.primary.pid!, ...childPids(g.primary.pid!)]),
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}

/** Extra node flags for the services (e.g. `--cpu-prof`; cluster workers inherit them), from BENCH_CHILD_NODE_OPTIONS. */
const childFlags = (process.env.BENCH_CHILD_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);

function spawnGroup(service: PlatformService, replicas: number, entry: string, env: Record<string, string>, onLine?: PlatformProcessesOptions['onLine']): ServiceGroup {
  const script = join(process.cwd(), 'scripts', 'replicas.mjs');
  const child = spawn(process.execPath, [...childFlags, script, '--replicas', String(replicas), '--', entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString('utf8')).slice(-40_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  if (onLine) {
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop()!;
        for (const line of lines) onLine(service, line);
      });
    }
  }
  return { service, replicas, primary: child, output: () => output };
}

/**
 * The gateway is ready once every replica printed its address (port 0 is one port for all of them) and so wrote the
 * operator token (under an advisory lock: each replica's token stays valid; the file holds the last one).
 */
async function gatewayReady(group: ServiceGroup, stateDir: string): Promise<{ httpUrl: string; adminToken: string }> {
  const printed = () => [...group.output().matchAll(/-X POST (http:\/\/\S+)\/api\/v1\/actions\//g)].map((m) => m[1]!);
  await until('gateway', group, async () => {
    if (printed().length < group.replicas) throw new Error('not every replica printed its address yet');
  });
  return { httpUrl: printed()[0]!, adminToken: (await readFile(join(stateDir, 'operator-token'), 'utf8')).trim() };
}

async function stopGroup(group: ServiceGroup): Promise<void> {
  const { primary } = group;
  if (primary.exitCode !== null || primary.signalCode !== null) return;
  const exited = once(primary, 'exit');
  primary.kill('SIGTERM');
  const timer = setTimeout(() => primary.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

async function until(service: string, group: ServiceGroup, probe: () => Promise<unknown>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (group.primary.exitCode !== null) throw new Error(`${service} exited while starting:\n${group.output()}`);
    if (await probe().then(() => true, () => false)) return;
    if (Date.now() > deadline) throw new Error(`${service} not ready after ${timeoutMs / 1000} s:\n${group.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The pids whose parent is `pid` (a replicas.mjs primary's workers). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
