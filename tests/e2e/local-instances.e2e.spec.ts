// Issue 4 end to end: NodeInstances as real network namespaces, each with a real powernode-agent that
// enrols through the handshake service and long-polls its desired state; driven over MCP.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { dropTestPlatform, eventually, testPlatformEnv } from '@powernode/testing';
import { buildAgent } from '../../apps/agent/src/testing/agent-process.js';
import { startTestCa, type TestCa } from '../../apps/ca/src/testing/test-ca.js';
import { localProviderOverrides, startTestCatalog, type TestCatalog } from '../../apps/catalog/src/testing/test-catalog.js';
import { startTestGateway, type TestGateway } from '../../apps/gateway/src/testing/test-gateway.js';
import { startTestHandshake, type TestHandshake } from '../../apps/handshake/src/testing/test-handshake.js';
import { startTestSdwan, type TestSdwan } from '../../apps/sdwan/src/testing/test-sdwan.js';

const run = promisify(execFile);
const PREFIX = `pt${randomBytes(2).toString('hex')}`;

describe('local NodeInstances with real agents', () => {
  if (process.getuid?.() !== 0) throw new Error('these tests create network namespaces: run them as root (CI does)');
  const platform = testPlatformEnv();
  let agent: Awaited<ReturnType<typeof buildAgent>>;
  let stateDir: string;
  let ca: TestCa;
  let handshake: TestHandshake;
  let catalog: TestCatalog;
  let gateway: TestGateway;
  let sdwan: TestSdwan;
  let mcp: Client;

  const tool = async (name: string, args: Record<string, unknown>) => {
    const result = await mcp.callTool({ name, arguments: args });
    if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
    return result.structuredContent as any;
  };
  const status = async (id: string) => (await tool('system_get_instance', { id })).instance.status as string;
  const agentFile = (id: string, file: string) => readFile(join(stateDir, 'instances', id, 'agent', file), 'utf8');

  beforeAll(async () => {
    agent = await buildAgent();
    stateDir = await mkdtemp(join(tmpdir(), 'powernode-instances-'));
    ca = await startTestCa(platform);
    handshake = await startTestHandshake(platform, { HANDSHAKE_HOST: '::', HEARTBEAT_INTERVAL_S: '1' });
    catalog = await startTestCatalog(platform, localProviderOverrides({ prefix: PREFIX, agentEntry: agent.mainJs, handshakePort: handshake.port, stateDir }));
    sdwan = await startTestSdwan(platform);
    gateway = await startTestGateway(platform);
    mcp = new Client({ name: 'e2e-instances', version: '1' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${gateway.httpUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${gateway.adminToken}` } } }));
  }, 120_000);

  afterAll(async () => {
    await mcp?.close();
    await gateway?.destroy();
    await sdwan?.destroy({ keepData: true });
    await catalog?.destroy({ keepData: true }); // stops every agent and removes every namespace it made
    await handshake?.destroy({ keepData: true });
    await ca?.destroy({ keepData: true });
    await dropTestPlatform(platform, ['gateway', 'catalog', 'handshake', 'ca', 'sdwan']);
    await agent?.remove();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  let templateId: string;
  let instances: string[];

  it('provisions two instances over MCP whose agents enrol and come online', async () => {
    ({ template: { id: templateId } } = await tool('system_create_template', { name: `e2e-${PREFIX}` }));
    instances = [];
    for (const name of ['node-a', 'node-b']) instances.push((await tool('system_provision_instance', { template_id: templateId, name })).instance.id);
    await eventually(async () => expect(await Promise.all(instances.map(status))).toEqual(['online', 'online']), { timeoutMs: 30_000, intervalMs: 200 });
    const namespaces = (await run('ip', ['netns', 'list'])).stdout;
    for (const p of await catalog.provider!.list()) expect(namespaces).toContain(p.namespace);
  }, 60_000);

  it('delivers a module assignment to every agent of the template by long-poll', async () => {
    // docker-engine needs each instance's overlay /128 (the tutorial's Step 1).
    const { network } = await tool('system_sdwan_create_network', { name: `e2e-${PREFIX}` });
    for (const id of instances) await tool('system_sdwan_attach_peer', { network_id: network.id, node_instance_id: id });
    await tool('system_assign_module_to_template', { template_id: templateId, module_name: 'docker-engine' });
    await eventually(
      async () => {
        for (const id of instances) expect(JSON.parse(await agentFile(id, 'desired.json')).modules.map((m: { name: string }) => m.name)).toEqual(['docker-engine']);
      },
      { timeoutMs: 5_000, intervalMs: 50 },
    );
  });

  it('marks a killed agent offline, and online again with the same identity after a restart', async () => {
    const [victim] = instances;
    const identityBefore = await agentFile(victim!, 'identity/cert.pem');
    const { agentPid } = (await catalog.provider!.list()).find((p) => p.instanceId === victim)!;
    process.kill(agentPid, 'SIGKILL');
    await eventually(async () => expect(await status(victim!)).toBe('offline'), { timeoutMs: 15_000, intervalMs: 200 });
    await catalog.provider!.restartAgent(victim!);
    await eventually(async () => expect(await status(victim!)).toBe('online'), { timeoutMs: 15_000, intervalMs: 200 });
    expect(await agentFile(victim!, 'identity/cert.pem')).toBe(identityBefore);
    const enrolments = (await tool('recent_events', { kind_prefix: 'system.catalog.instance.enrolled', limit: 20 })).events.filter(
      (e: { aggregate_id: string }) => e.aggregate_id === victim,
    );
    expect(enrolments).toHaveLength(1);
  }, 40_000);

  it('decommission removes the namespace and stops the agent', async () => {
    const [, gone] = instances;
    const { namespace, agentPid } = (await catalog.provider!.list()).find((p) => p.instanceId === gone)!;
    await tool('system_decommission_instance', { id: gone });
    await eventually(
      async () => {
        expect((await run('ip', ['netns', 'list'])).stdout).not.toContain(namespace);
        expect(() => process.kill(agentPid, 0)).toThrow();
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(await status(gone!)).toBe('decommissioned');
  }, 30_000);
});
