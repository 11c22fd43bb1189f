// The catalog, the sdwan service and the gateway as one platform: the tutorial's Step 1 over MCP, and
// the MissingSdwanPeerError troubleshooting case.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { dropTestPlatform, testPlatformEnv } from '@powernode/testing';
import { startTestCatalog, type TestCatalog } from '../../apps/catalog/src/testing/test-catalog.js';
import { postAction, startTestGateway, type TestGateway } from '../../apps/gateway/src/testing/test-gateway.js';
import { startTestSdwan, type TestSdwan } from '../../apps/sdwan/src/testing/test-sdwan.js';

describe('sdwan through the gateway', () => {
  const platform = testPlatformEnv();
  let catalog: TestCatalog;
  let sdwan: TestSdwan;
  let gateway: TestGateway;
  let mcp: Client;

  beforeAll(async () => {
    catalog = await startTestCatalog(platform);
    sdwan = await startTestSdwan(platform);
    gateway = await startTestGateway(platform);
    mcp = new Client({ name: 'e2e-sdwan', version: '1' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${gateway.httpUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${gateway.adminToken}` } } }));
  });
  afterAll(async () => {
    await mcp?.close();
    await gateway?.destroy();
    await sdwan?.destroy({ keepData: true });
    await catalog?.destroy({ keepData: true });
    await dropTestPlatform(platform, ['gateway', 'catalog', 'sdwan']);
  });

  const call = (name: string, args: Record<string, unknown>) => mcp.callTool({ name, arguments: args });
  async function tool(name: string, args: Record<string, unknown>): Promise<any> {
    const result = await call(name, args);
    if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
    return result.structuredContent;
  }

  it('refuses docker-engine for an instance without a peer, then Step 1 attaches one and the assignment works', async () => {
    const { template } = await tool('system_create_template', { name: 'sdwan-tutorial' });
    const { instance } = await tool('system_provision_instance', { template_id: template.id, name: 'sdwan-node' });

    // Troubleshooting: MissingSdwanPeerError on assignment, naming the instance and the remedy; nothing is assigned.
    const refused = await postAction(gateway, 'system_assign_module_to_template', { template_id: template.id, module_name: 'docker-engine' }, gateway.adminToken);
    expect(refused).toMatchObject({
      status: 409,
      body: { code: 'MissingSdwanPeerError', message: expect.stringMatching(new RegExp(`${instance.id}.*system_sdwan_attach_peer`)), details: { instance_ids: [instance.id] } },
    });
    const viaMcp = await call('system_assign_module_to_template', { template_id: template.id, module_name: 'docker-engine' });
    expect(viaMcp.isError).toBe(true);
    expect(JSON.stringify(viaMcp.content)).toContain('MissingSdwanPeerError');
    expect((await tool('system_list_templates', { name: 'sdwan-tutorial' })).templates[0].modules).toEqual([]);

    // Step 1 — Confirm SDWAN attachment; if not, attach one.
    const { network } = await tool('system_sdwan_create_network', { name: 'tutorial' });
    expect((await tool('system_sdwan_list_peers', { network_id: network.id })).peers.filter((p: { role: string }) => p.role === 'node')).toEqual([]);
    const attached = await tool('system_sdwan_attach_peer', { network_id: network.id, node_instance_id: instance.id });
    expect(attached).toMatchObject({ attached: true, peer: { node_instance_id: instance.id, role: 'node', status: 'pending' } });
    const { peers } = await tool('system_sdwan_list_peers', { network_id: network.id });
    expect(peers).toContainEqual(
      expect.objectContaining({ id: attached.peer.id, node_instance_id: instance.id, overlay_address: expect.stringMatching(/^fd[0-9a-f:]+$/) }),
    );
    expect(peers).toContainEqual(expect.objectContaining({ id: 'hub', role: 'hub', overlay_address: network.hub_address }));
    expect(await tool('system_sdwan_attach_peer', { network_id: network.id, node_instance_id: instance.id })).toMatchObject({ attached: false, peer: { id: attached.peer.id } });

    // Step 2 now works.
    const assigned = await tool('system_assign_module_to_template', { template_id: template.id, module_name: 'docker-engine' });
    expect(assigned).toMatchObject({ assigned: true, module: { name: 'docker-engine', runtime: 'docker' } });
  });

  it('answers 400 for a prefix that is not a ULA /64, and 403 to a viewer attaching', async () => {
    expect(await postAction(gateway, 'system_sdwan_create_network', { name: 'bad', prefix: '2001:db8::/64' }, gateway.adminToken)).toMatchObject({ status: 400, body: { code: 'InvalidInput' } });
    await postAction(gateway, 'identity_create_account', { name: 'vic', roles: ['viewer'] }, gateway.adminToken);
    const viewer = (await postAction(gateway, 'identity_issue_token', { account_id: 'vic' }, gateway.adminToken)).body.token;
    const { body } = await postAction(gateway, 'system_sdwan_list_networks', {}, gateway.adminToken);
    expect(await postAction(gateway, 'system_sdwan_attach_peer', { network_id: body.networks[0].id, node_instance_id: 'inst-00000001' }, viewer)).toMatchObject({
      status: 403,
      body: { code: 'PermissionDenied' },
    });
  });
});
