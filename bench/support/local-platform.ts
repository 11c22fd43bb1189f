// A whole platform in this process for end-to-end tests and benchmarks: CA, handshake, sdwan, catalog with
// the local provider (real namespaces, real agents), docker-proxy (optionally with the platform image registry) and
// optionally the gateway, each a real service on real NATS and PostgreSQL, plus the hub peer (`powernode-agent --role platform`) as its own process in this
// process's network namespace, as under `npm start`. Needs root.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropTestPlatform, testPlatformEnv, type TestPlatformEnv } from '@powernode/testing';
import { buildAgent, type AgentProcess } from '../../apps/agent/src/testing/agent-process.js';
import { startTestCa, type TestCa } from '../../apps/ca/src/testing/test-ca.js';
import { localProviderOverrides, startTestCatalog, type TestCatalog } from '../../apps/catalog/src/testing/test-catalog.js';
import { startPlatformRegistry } from '../../apps/docker-proxy/src/registry/platform-registry.js';
import { startTestDockerProxy, type TestDockerProxy } from '../../apps/docker-proxy/src/testing/test-docker-proxy.js';
import { startTestGateway, type TestGateway } from '../../apps/gateway/src/testing/test-gateway.js';
import { startTestHandshake, type TestHandshake } from '../../apps/handshake/src/testing/test-handshake.js';
import { startTestSdwan, type TestSdwan } from '../../apps/sdwan/src/testing/test-sdwan.js';
import { connectOperatorMcp, planLocalRun, removeRegistryTrust, requireRoot, startHub, type ToolCall } from './local-run.js';
import { startDockerProxyProcess, startGatewayProcess, type DockerProxyProcess, type GatewayProcess } from './service-process.js';

export interface LocalPlatformOptions {
  /** Extra handshake settings (HEARTBEAT_INTERVAL_S defaults to 1 here). */
  handshake?: Record<string, string>;
  /** Start the operator gateway and an MCP client for it. */
  gateway?: boolean;
  /** Run the platform image registry (docker-proxy) on the local provider's gateway address; waits until it holds the seed image. */
  registry?: boolean;
  /**
   * Run the gateway and the docker-proxy as child processes from the build (`dist/apps/<svc>/src/main.js`, so
   * `npm run build` first), as `npm start` does, instead of in this process. Not with `registry`.
   */
  processes?: boolean;
}

interface LocalPlatformParts {
  /** Namespace / link prefix of this run's instances: `pt<4 hex>` (CI sweeps leftovers by it). */
  prefix: string;
  platform: TestPlatformEnv;
  stateDir: string;
  ca: TestCa;
  handshake: TestHandshake;
  sdwan: TestSdwan;
  catalog: TestCatalog;
  /** With `registry: true`: where the platform registry serves and the images it holds (`<address>/powernode/busybox-httpd:<tag>`). */
  registry?: { address: string; images: string[] };
  hub: AgentProcess;
  /** Calls an MCP tool as the admin operator (gateway only); throws on a tool error. */
  tool: ToolCall;
  destroy(): Promise<void>;
}

/** The platform with every service in this process. */
export interface LocalPlatform extends LocalPlatformParts {
  gateway?: TestGateway;
  dockerProxy: TestDockerProxy;
}

/** The platform with the gateway and the docker-proxy as child processes (`processes: true`). */
export interface LocalProcessPlatform extends LocalPlatformParts {
  gateway?: GatewayProcess;
  dockerProxy: DockerProxyProcess;
}

export function startLocalPlatform(options?: LocalPlatformOptions & { processes?: false }): Promise<LocalPlatform>;
export function startLocalPlatform(options: LocalPlatformOptions & { processes: true }): Promise<LocalProcessPlatform>;
export function startLocalPlatform(options?: LocalPlatformOptions): Promise<LocalPlatform | LocalProcessPlatform>;
export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform | LocalProcessPlatform> {
  if (options.processes && options.registry) throw new Error('the platform registry needs the docker-proxy in this process (processes: false)');
  requireRoot();
  const run = planLocalRun({ registry: options.registry });
  const { prefix, registryAddr } = run;
  const registryOverrides: Record<string, string> = registryAddr ? { PLATFORM_REGISTRY_ADDR: registryAddr } : {};
  const platform = testPlatformEnv();
  const agent = await buildAgent();
  const stateDir = await mkdtemp(join(tmpdir(), 'powernode-local-'));
  const started: { destroy(): Promise<unknown> }[] = [];
  let mcp: Awaited<ReturnType<typeof connectOperatorMcp>> | undefined;
  try {
    const ca = await startTestCa(platform);
    started.push({ destroy: () => ca.destroy({ keepData: true }) });
    const handshake = await startTestHandshake(platform, { HANDSHAKE_HOST: '::', HEARTBEAT_INTERVAL_S: '1', ...registryOverrides, ...options.handshake });
    started.push({ destroy: () => handshake.destroy({ keepData: true }) });
    const catalog = await startTestCatalog(platform, localProviderOverrides({ prefix, agentEntry: agent.mainJs, handshakePort: handshake.port, stateDir }));
    started.push({ destroy: () => catalog.destroy({ keepData: true }) }); // stops every agent and removes every namespace
    if (registryAddr && !registryAddr.startsWith(`${catalog.provider!.gateway.ipv4}:`)) {
      throw new Error(`the registry address ${registryAddr} is not on the local provider's gateway ${catalog.provider!.gateway.ipv4}`);
    }
    const sdwan = await startTestSdwan(platform);
    started.push({ destroy: () => sdwan.destroy({ keepData: true }) });
    const startGateway = options.processes ? startGatewayProcess : startTestGateway;
    const gateway = options.gateway ? await startGateway(platform) : undefined;
    if (gateway) started.push({ destroy: () => gateway.destroy() });
    const proxyEnv = { DOCKER_PROBE_INTERVAL_S: '1', ...registryOverrides, PLATFORM_REGISTRY_DIR: join(stateDir, 'registry') };
    const dockerProxy = options.processes
      ? await startDockerProxyProcess(platform, proxyEnv)
      : await startTestDockerProxy(platform, proxyEnv, { startRegistry: startPlatformRegistry });
    started.push({ destroy: () => ('registry' in dockerProxy ? dockerProxy.destroy({ keepData: true }) : dockerProxy.destroy()) });
    const registry = registryAddr && 'registry' in dockerProxy ? await registryReady(dockerProxy) : undefined;
    const { hub, stop: stopHub } = startHub(agent.mainJs, platform, run, stateDir);
    started.push({ destroy: stopHub });
    if (gateway) mcp = await connectOperatorMcp(gateway.httpUrl, gateway.adminToken);
    const client = mcp;
    // Both services come from the same branch on `options.processes`, so the pair matches one of the two shapes.
    return {
      prefix,
      platform,
      stateDir,
      ca,
      handshake,
      sdwan,
      catalog,
      ...(gateway ? { gateway } : {}),
      dockerProxy,
      ...(registry ? { registry } : {}),
      hub,
      tool: async (name, args) => {
        if (!client) throw new Error('started without the gateway');
        return client.tool(name, args);
      },
      destroy: () => teardown(),
    } as LocalPlatform | LocalProcessPlatform;
  } catch (error) {
    await teardown();
    throw error;
  }

  async function teardown(): Promise<void> {
    await mcp?.close();
    // Reverse order: the hub first, the CA last.
    for (const part of started.reverse()) await part.destroy().catch(() => undefined);
    await dropTestPlatform(platform, ['gateway', 'catalog', 'handshake', 'ca', 'sdwan', 'docker_proxy']);
    await agent.remove();
    await rm(stateDir, { recursive: true, force: true });
    await removeRegistryTrust(run);
  }
}

/** Waits until the platform registry holds the seed image; fails with the registry's own error after a minute. */
async function registryReady(proxy: TestDockerProxy, timeoutMs = 60_000): Promise<{ address: string; images: string[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = proxy.registry?.status();
    if (!status) throw new Error('docker-proxy started without the platform registry');
    if (status.ready) return { address: status.address, images: status.images };
    if (Date.now() > deadline) throw new Error(`the platform registry at ${status.address} is not ready after ${timeoutMs / 1000} s: ${status.error ?? 'no error reported'}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
