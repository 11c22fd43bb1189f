// The pieces every local platform run shares, whether its services run in this process (local-platform.ts) or as
// replicated processes (replicated-platform.ts): the run's names and ports, the hub peer, the operator's MCP client
// and what a run leaves in machine-wide places.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createAddressPlan, gatewayAddresses } from '@powernode/netns';
import type { TestPlatformEnv } from '@powernode/testing';
import { AgentProcess } from '../../apps/agent/src/testing/agent-process.js';
import { catalogEnv } from '../../apps/catalog/src/config.js';

export interface LocalRun {
  /** Namespace / link prefix of this run's instances: `pt<4 hex>` (CI sweeps leftovers by it). */
  prefix: string;
  /** The local provider's gateway IPv4 under the catalog's default underlay (the catalog reports the same once it runs). */
  gatewayIpv4: string;
  /** The hub's WireGuard port. */
  hubPort: number;
  /** With `registry`: where the platform image registry serves (`<gateway ipv4>:<port>`). */
  registryAddr?: string;
}

/** Names and ports of one run, away from those of a running `npm start` (51820, :5000) so the two cannot clash. */
export function planLocalRun(options: { registry?: boolean } = {}): LocalRun {
  const { INSTANCE_UNDERLAY_IPV6_PREFIX: ipv6, INSTANCE_UNDERLAY_IPV4_PREFIX: ipv4 } = catalogEnv.shape;
  const gatewayIpv4 = gatewayAddresses(createAddressPlan(ipv6.parse(undefined), ipv4.parse(undefined))).ipv4;
  return {
    prefix: `pt${randomBytes(2).toString('hex')}`,
    gatewayIpv4,
    hubPort: 42_000 + Math.floor(Math.random() * 1_000),
    // The registry listens on the provider's gateway address (as under `npm start`).
    ...(options.registry ? { registryAddr: `${gatewayIpv4}:${43_000 + Math.floor(Math.random() * 1_000)}` } : {}),
  };
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('the local platform creates network namespaces and WireGuard interfaces: run as root (CI does)');
}

/** The hub peer (`powernode-agent --role platform`) as its own process in this network namespace, as under `npm start`. */
export function startHub(agentMainJs: string, platform: TestPlatformEnv, run: LocalRun, stateDir: string): { hub: AgentProcess; stop(): Promise<void> } {
  const { NATS_URL, RPC_SUBJECT_PREFIX, EVENT_SUBJECT_PREFIX, PLATFORM_SERVICE_TOKEN } = platform.env as Record<string, string>;
  const hub = new AgentProcess(
    agentMainJs,
    ['--role', 'platform', '--endpoint', `${run.gatewayIpv4}:${run.hubPort}`, '--state-dir', join(stateDir, 'hub'), '--log-level', 'debug'],
    { NATS_URL, RPC_SUBJECT_PREFIX, EVENT_SUBJECT_PREFIX, PLATFORM_SERVICE_TOKEN, POWERNODE_HUB_INTERVAL_S: '1' },
  );
  return {
    hub,
    stop: async () => {
      hub.signal('SIGTERM'); // the hub removes its interfaces on the way out
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([hub.exited, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
      clearTimeout(timer);
      await hub.kill();
    },
  };
}

/** Calls an MCP tool as the operator; throws on a tool error. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each tool has its own output shape; callers assert on it
export type ToolCall = (name: string, args: Record<string, unknown>) => Promise<any>;

/** An MCP client of the gateway at `httpUrl`, as the operator whose bearer token is `token`. */
export async function connectOperatorMcp(httpUrl: string, token: string, name = 'local-platform'): Promise<{ tool: ToolCall; close(): Promise<void> }> {
  const client = new Client({ name, version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${httpUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return {
    tool: async (tool, args) => {
      const result = await client.callTool({ name: tool, arguments: args });
      if (result.isError) throw new Error(`${tool}: ${JSON.stringify(result.content)}`);
      return result.structuredContent;
    },
    close: () => client.close().catch(() => undefined),
  };
}

/** The agents trusted the run's registry in the machine-wide certs.d (an entry per address; agents leave them). */
export async function removeRegistryTrust(run: LocalRun): Promise<void> {
  if (run.registryAddr) await rm(join('/etc/docker/certs.d', run.registryAddr), { recursive: true, force: true });
}
