// The gateway and the docker-proxy as their own Node processes, started from the build (`dist/apps/<svc>/src/main.js`)
// as `npm start` runs them, with the env the in-process test services get. For benchmarks of the deployed shape:
// the load generator, the gateway and the docker-proxy then do not share an event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerActions } from '@powernode/contracts';
import { RpcClient, connectNats, serviceCaller } from '@powernode/service-kit';
import { actionCaller, type ActionCall, type TestPlatformEnv } from '@powernode/testing';

/** A service running as a child process. */
export interface ServiceProcess {
  pid: number;
  destroy(): Promise<void>;
}

/** The gateway child: its HTTP address and the admin token it wrote. */
export interface GatewayProcess extends ServiceProcess {
  httpUrl: string;
  adminToken: string;
}

/** The docker-proxy child, reached over NATS as the gateway reaches it. */
export interface DockerProxyProcess extends ServiceProcess {
  call: ActionCall;
}

/** Extra node flags for the children (e.g. `--cpu-prof`), from BENCH_CHILD_NODE_OPTIONS. */
const childFlags = (process.env.BENCH_CHILD_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);

function spawnService(service: string, env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const entry = join(process.cwd(), 'dist', 'apps', service, 'src', 'main.js');
  const child = spawn(process.execPath, [...childFlags, entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString('utf8')).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** SIGTERM (the service closes itself), SIGKILL after 10 s. */
async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, exited: Promise<unknown>, output: () => string, timeoutMs = 60_000): Promise<T> {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (dead) throw new Error(`${what} exited while starting:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs / 1000} s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The gateway from the build, as `npm start` runs it; ready once it has printed its address and written its token. */
export async function startGatewayProcess(platform: TestPlatformEnv): Promise<GatewayProcess> {
  const stateDir = await mkdtemp(join(tmpdir(), 'powernode-gw-'));
  const { child, output, exited } = spawnService('gateway', {
    ...(platform.env as Record<string, string>),
    DATABASE_SCHEMA: platform.schemaOf('gateway'),
    GATEWAY_HTTP_PORT: '0',
    GATEWAY_GRPC_ADDR: '127.0.0.1:0',
    POWERNODE_STATE_DIR: stateDir,
  });
  try {
    const httpUrl = await until('gateway', async () => /-X POST (http:\/\/\S+)\/api\/v1\/actions\//.exec(output())?.[1], exited, output);
    const adminToken = (await readFile(join(stateDir, 'operator-token'), 'utf8')).trim();
    return { pid: child.pid!, httpUrl, adminToken, destroy: () => stop(child, exited).finally(() => rm(stateDir, { recursive: true, force: true })) };
  } catch (error) {
    await stop(child, exited);
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
}

/** The docker-proxy from the build; ready once it answers docker_list_hosts over NATS. */
export async function startDockerProxyProcess(platform: TestPlatformEnv, overrides: Record<string, string> = {}): Promise<DockerProxyProcess> {
  const env = platform.env as Record<string, string>;
  const { child, output, exited } = spawnService('docker-proxy', {
    ...env,
    DATABASE_SCHEMA: platform.schemaOf('docker_proxy'),
    DOCKER_PROBE_INTERVAL_S: '1',
    DOCKER_PROBE_TIMEOUT_MS: '2000',
    ...overrides,
  });
  const nc = await connectNats(env.NATS_URL!, 'docker-proxy-bench-client');
  const rpc = new RpcClient(nc, env.RPC_SUBJECT_PREFIX!, { serviceToken: env.PLATFORM_SERVICE_TOKEN! });
  const destroy = async () => {
    await nc.close();
    await stop(child, exited);
  };
  try {
    await until('docker-proxy', () => rpc.call(dockerActions.dockerListHosts, { input: {}, caller: serviceCaller('bench') }), exited, output);
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    pid: child.pid!,
    call: actionCaller(rpc),
    destroy,
  };
}
