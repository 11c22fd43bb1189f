// The whole platform scaled out on this machine: every service as N replicas, each a real process through
// scripts/replicas.mjs (platform-processes.ts) from a scratch build, the catalog with the local provider (real
// namespaces, real agents, WireGuard, dockerd), the platform image registry in the docker-proxy, the gateway, and the
// hub peer as its own process, as `npm start` runs them. Needs root.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testPlatformEnv, type TestPlatformEnv } from '@powernode/testing';
import type { AgentProcess } from '../../apps/agent/src/testing/agent-process.js';
import { sweepLeftovers } from '../../apps/catalog/src/providers/local/sweep.js';
import { connectOperatorMcp, planLocalRun, removeRegistryTrust, requireRoot, startHub, type LocalRun, type ToolCall } from './local-run.js';
import { PLATFORM_SERVICES, startPlatformProcesses, type PlatformProcesses, type PlatformProcessesOptions, type PlatformService } from './platform-processes.js';
import { buildPlatform } from './scratch-build.js';

export interface ReplicatedPlatformOptions {
  /** Replicas of every service (default 2). */
  replicas?: number;
  /** Extra environment per service (after this file's defaults). */
  env?: PlatformProcessesOptions['env'];
  onLine?: PlatformProcessesOptions['onLine'];
}

export interface ReplicatedPlatform {
  run: LocalRun;
  platform: TestPlatformEnv;
  services: PlatformProcesses;
  gateway: { httpUrl: string; adminToken: string };
  hub: AgentProcess;
  /** Calls an MCP tool through the gateway as the admin operator; throws on a tool error. */
  tool: ToolCall;
  /**
   * Stops the hub, then every service (the catalog's lease holder stops every agent and removes its namespaces),
   * drops the platform's data and removes the build and the state. Returns what a final sweep of the run's prefix
   * still found (namespaces, veths, the gateway link): empty when the services cleaned up after themselves.
   */
  destroy(): Promise<string[]>;
}

/** Fast rounds, as local-platform.ts runs the in-process services. */
const DEFAULT_ENV: Partial<Record<PlatformService, Record<string, string>>> = {
  handshake: { HEARTBEAT_INTERVAL_S: '1' },
  'docker-proxy': { DOCKER_PROBE_INTERVAL_S: '1', DOCKER_PROBE_TIMEOUT_MS: '2000' },
};

export async function startReplicatedPlatform(options: ReplicatedPlatformOptions = {}): Promise<ReplicatedPlatform> {
  requireRoot();
  const run = planLocalRun({ registry: true });
  const replicas = options.replicas ?? 2;
  const platform = testPlatformEnv();
  const build = await buildPlatform();
  const stateDir = await mkdtemp(join(tmpdir(), 'powernode-replicated-'));
  let services: PlatformProcesses | undefined;
  let hub: ReturnType<typeof startHub> | undefined;
  let mcp: Awaited<ReturnType<typeof connectOperatorMcp>> | undefined;
  const teardown = async (): Promise<string[]> => {
    await mcp?.close();
    await hub?.stop();
    await services?.destroy();
    // Whatever a crashed replica left: the provider sweeps its prefix on shutdown; this finds what it did not.
    const swept = await sweepLeftovers(run.prefix);
    await removeRegistryTrust(run);
    await build.remove();
    await rm(stateDir, { recursive: true, force: true });
    return swept;
  };
  try {
    const env = Object.fromEntries(PLATFORM_SERVICES.map((s) => [s, { ...DEFAULT_ENV[s], ...options.env?.[s] }]));
    services = await startPlatformProcesses(platform, {
      buildDir: build.dir,
      replicas: Object.fromEntries(PLATFORM_SERVICES.map((s) => [s, replicas])),
      env,
      localProvider: { prefix: run.prefix, agentEntry: build.mainJs('agent') },
      ...(run.registryAddr ? { registryAddr: run.registryAddr } : {}),
      ...(options.onLine ? { onLine: options.onLine } : {}),
    });
    hub = startHub(build.mainJs('agent'), platform, run, stateDir);
    const gateway = services.gateway!;
    mcp = await connectOperatorMcp(gateway.httpUrl, gateway.adminToken, 'replicated-platform');
    return { run, platform, services, gateway, hub: hub.hub, tool: mcp.tool, destroy: teardown };
  } catch (error) {
    await teardown();
    throw error;
  }
}
