// The gateway and the catalog as one platform: the tutorial's Step 2 over MCP.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { dropTestPlatform, eventually, testPlatformEnv } from '@powernode/testing';
import { startTestCatalog, type TestCatalog } from '../../apps/catalog/src/testing/test-catalog.js';
import { postAction, startTestGateway, type TestGateway } from '../../apps/gateway/src/testing/test-gateway.js';
import { startTestSdwan, type TestSdwan } from '../../apps/sdwan/src/testing/test-sdwan.js';

describe('catalog through the gateway', () => {
  const platform = testPlatformEnv();
  let catalog: TestCatalog;
  let gateway: TestGateway;
  let sdwan: TestSdwan;
  let mcp: Client;

  beforeAll(async () => {
    catalog = await startTestCatalog(platform);
    sdwan = await startTestSdwan(platform);
    gateway = await startTestGateway(platform);
    mcp = new Client({ name: 'e2e', version: '1' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${gateway.httpUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${gateway.adminToken}` } } }));
  });
  afterAll(async () => {
    await mcp?.close();
    await gateway?.destroy();
    await sdwan?.destroy({ keepData: true });
    await catalog?.destroy();
    await dropTestPlatform(platform, ['gateway', 'catalog', 'sdwan']);
  });

  async function tool(name: string, args: Record<string, unknown>): Promise<any> {
    const result = await mcp.callTool({ name, arguments: args });
    expect(result.isError).toBeFalsy();
    return result.structuredContent;
  }

  it('assigns docker-engine to the template an instance was provisioned from (tutorial Step 2)', async () => {
    const { templates } = await tool('system_list_templates', { name: 'default' });
    const provisioned = await tool('system_provision_instance', { template_id: templates[0].id, name: 'tutorial-node' });

    // Find the template the instance was provisioned from.
    const { instance } = await tool('system_get_instance', { id: provisioned.instance.id });
    expect(instance).toMatchObject({ id: provisioned.instance.id, node_template_id: templates[0].id, status: 'provisioning', provider: 'local' });

    // Step 1: the daemon needs the instance's overlay /128.
    const { network } = await tool('system_sdwan_create_network', { name: 'tutorial' });
    await tool('system_sdwan_attach_peer', { network_id: network.id, node_instance_id: instance.id });
    const assigned = await tool('system_assign_module_to_template', { template_id: instance.node_template_id, module_name: 'docker-engine' });
    expect(assigned).toMatchObject({ assigned: true, module: { name: 'docker-engine', runtime: 'docker' } });

    await eventually(async () => {
      const { events } = await tool('recent_events', { kind_prefix: 'system.catalog.template', limit: 5 });
      expect(events[0]).toMatchObject({
        kind: 'system.catalog.template.module_assigned',
        actor: 'operator:admin',
        aggregate_id: instance.node_template_id,
        data: { template_id: instance.node_template_id, module_name: 'docker-engine', module_id: assigned.module.module_id },
      });
    });
  });

  it('maps ModuleNotLive and permissions onto HTTP', async () => {
    const published = await postAction(gateway, 'system_publish_module', { name: 'k3s', version: '1.30.0', runtime: 'k3s-server' }, gateway.adminToken);
    expect(published.status).toBe(200);
    const { body } = await postAction(gateway, 'system_list_templates', { name: 'default' }, gateway.adminToken);
    const refused = await postAction(gateway, 'system_assign_module_to_template', { template_id: body.templates[0].id, module_name: 'k3s' }, gateway.adminToken);
    expect(refused).toMatchObject({ status: 409, body: { code: 'ModuleNotLive' } });

    await postAction(gateway, 'identity_create_account', { name: 'viv', roles: ['viewer'] }, gateway.adminToken);
    const viewer = (await postAction(gateway, 'identity_issue_token', { account_id: 'viv' }, gateway.adminToken)).body.token;
    expect((await postAction(gateway, 'system_list_modules', {}, viewer)).status).toBe(200);
    expect(await postAction(gateway, 'system_create_template', { name: 'nope' }, viewer)).toMatchObject({ status: 403, body: { code: 'PermissionDenied' } });
  });
});
