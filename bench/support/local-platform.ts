// A whole platform in this process for end-to-end tests and benchmarks: CA, handshake, sdwan, catalog with
// the local provider (real namespaces, real agents) and optionally the gateway, each a real service on real
// NATS and PostgreSQL, plus the hub peer (`powernode-agent --role platform`) as its own process in this
// process's network namespace, as under `npm start`. Needs root.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { dropTestPlatform, testPlatformEnv, type TestPlatformEnv } from '@powernode/testing';
import { AgentProcess, buildAgent } from '../../apps/agent/src/testing/agent-process.js';
import { startTestCa, type TestCa } from '../../apps/ca/src/testing/test-ca.js';
import { localProviderOverrides, startTestCatalog, type TestCatalog } from '../../apps/catalog/src/testing/test-catalog.js';
import { startTestGateway, type TestGateway } from '../../apps/gateway/src/testing/test-gateway.js';
import { startTestHandshake, type TestHandshake } from '../../apps/handshake/src/testing/test-handshake.js';
import { startTestSdwan, type TestSdwan } from '../../apps/sdwan/src/testing/test-sdwan.js';

export interface LocalPlatformOptions {
  /** Extra handshake settings (HEARTBEAT_INTERVAL_S defaults to 1 here). */
  handshake?: Record<string, string>;
  /** Start the operator gateway and an MCP client for it. */
  gateway?: boolean;
}

export interface LocalPlatform {
  /** Namespace / link prefix of this run's instances: `pt<4 hex>` (CI sweeps leftovers by it). */
  prefix: string;
  platform: TestPlatformEnv;
  stateDir: string;
  ca: TestCa;
  handshake: TestHandshake;
  sdwan: TestSdwan;
  catalog: TestCatalog;
  gateway?: TestGateway;
  hub: AgentProcess;
  /** Calls an MCP tool as the admin operator (gateway only); throws on a tool error. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each tool has its own output shape; callers assert on it
  tool(name: string, args: Record<string, unknown>): Promise<any>;
  destroy(): Promise<void>;
}

export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  if (process.getuid?.() !== 0) throw new Error('the local platform creates network namespaces and WireGuard interfaces: run as root (CI does)');
  const prefix = `pt${randomBytes(2).toString('hex')}`;
  // Away from 51820 so the hub of a running `npm start` on this machine cannot clash with this one.
  const hubPort = 42_000 + Math.floor(Math.random() * 1_000);
  const platform = testPlatformEnv();
  const agent = await buildAgent();
  const stateDir = await mkdtemp(join(tmpdir(), 'powernode-local-'));
  const started: { destroy(): Promise<unknown> }[] = [];
  let mcp: Client | undefined;
  try {
    const ca = await startTestCa(platform);
    started.push({ destroy: () => ca.destroy({ keepData: true }) });
    const handshake = await startTestHandshake(platform, { HANDSHAKE_HOST: '::', HEARTBEAT_INTERVAL_S: '1', ...options.handshake });
    started.push({ destroy: () => handshake.destroy({ keepData: true }) });
    const catalog = await startTestCatalog(platform, localProviderOverrides({ prefix, agentEntry: agent.mainJs, handshakePort: handshake.port, stateDir }));
    started.push({ destroy: () => catalog.destroy({ keepData: true }) }); // stops every agent and removes every namespace
    const sdwan = await startTestSdwan(platform);
    started.push({ destroy: () => sdwan.destroy({ keepData: true }) });
    const gateway = options.gateway ? await startTestGateway(platform) : undefined;
    if (gateway) started.push({ destroy: () => gateway.destroy() });
    const { NATS_URL, RPC_SUBJECT_PREFIX, EVENT_SUBJECT_PREFIX, PLATFORM_SERVICE_TOKEN } = platform.env as Record<string, string>;
    const hub = new AgentProcess(
      agent.mainJs,
      ['--role', 'platform', '--endpoint', `${catalog.provider!.gateway.ipv4}:${hubPort}`, '--state-dir', join(stateDir, 'hub'), '--log-level', 'debug'],
      { NATS_URL, RPC_SUBJECT_PREFIX, EVENT_SUBJECT_PREFIX, PLATFORM_SERVICE_TOKEN, POWERNODE_HUB_INTERVAL_S: '1' },
    );
    started.push({
      destroy: async () => {
        hub.signal('SIGTERM'); // the hub removes its interfaces on the way out
        await Promise.race([hub.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        await hub.kill();
      },
    });
    if (gateway) {
      mcp = new Client({ name: 'local-platform', version: '1' });
      await mcp.connect(new StreamableHTTPClientTransport(new URL(`${gateway.httpUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${gateway.adminToken}` } } }));
    }
    const client = mcp;
    return {
      prefix,
      platform,
      stateDir,
      ca,
      handshake,
      sdwan,
      catalog,
      ...(gateway ? { gateway } : {}),
      hub,
      tool: async (name, args) => {
        if (!client) throw new Error('started without the gateway');
        const result = await client.callTool({ name, arguments: args });
        if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
        return result.structuredContent;
      },
      destroy: () => teardown(),
    };
  } catch (error) {
    await teardown();
    throw error;
  }

  async function teardown(): Promise<void> {
    await mcp?.close().catch(() => undefined);
    // Reverse order: the hub first, the CA last.
    for (const part of started.reverse()) await part.destroy().catch(() => undefined);
    await dropTestPlatform(platform, ['gateway', 'catalog', 'handshake', 'ca', 'sdwan']);
    await agent.remove();
    await rm(stateDir, { recursive: true, force: true });
  }
}
