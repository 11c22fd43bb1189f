// The gateway and the CA as one platform: actions reach the CA over NATS, through every transport.
import { X509Certificate } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { dropTestPlatform, eventually, testPlatformEnv } from '@powernode/testing';
import { startTestCa, type TestCa } from '../../apps/ca/src/testing/test-ca.js';
import { PlatformGrpcClient } from '../../apps/gateway/src/testing/grpc-client.js';
import { postAction, startTestGateway, type TestGateway } from '../../apps/gateway/src/testing/test-gateway.js';

describe('CA through the gateway', () => {
  const platform = testPlatformEnv();
  let ca: TestCa;
  let gateway: TestGateway;

  beforeAll(async () => {
    ca = await startTestCa(platform);
    gateway = await startTestGateway(platform);
  });
  afterAll(async () => {
    await gateway?.destroy();
    await ca?.destroy();
    await dropTestPlatform(platform, ['gateway', 'ca']);
  });

  it('reports the CA adapter and its preflight in platform_provisioning_status', async () => {
    const { body } = await postAction(gateway, 'platform_provisioning_status', {}, gateway.adminToken);
    expect(body.ca_adapter).toBe('LocalCaAdapter');
    expect(body.ca).toMatchObject({ reachable: true, can_sign: true, chain_valid: true });
    // This platform runs no catalog, no handshake, no sdwan and no docker-proxy service.
    expect(body.services.map((s: { name: string; reachable: boolean }) => [s.name, s.reachable])).toEqual([
      ['gateway', true],
      ['ca', true],
      ['catalog', false],
      ['handshake', false],
      ['sdwan', false],
      ['docker-proxy', false],
    ]);
    // Without a docker-proxy there is no registry status to report, and the call still answers.
    expect(body.registry).toMatchObject({ reachable: false, ready: false });
  });

  it('exports an operator cert over MCP for the calling operator, recorded with them as actor', async () => {
    const mcp = new Client({ name: 'e2e', version: '1' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${gateway.httpUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${gateway.adminToken}` } } }));
    try {
      const result = await mcp.callTool({ name: 'docker_export_operator_cert', arguments: { ttl: '1h' } });
      expect(result.isError).toBeFalsy();
      const out = result.structuredContent as { cert_pem: string; key_pem: string; serial: string; ca_pem: string };
      expect(new X509Certificate(out.cert_pem).subject).toBe('CN=admin');
      expect(out.key_pem).toMatch(/PRIVATE KEY/);
      // The gateway's event log is a projection: it catches up shortly after the CA appends.
      await eventually(async () => {
        const events = await postAction(gateway, 'recent_events', { kind_prefix: 'system.ca', limit: 5 }, gateway.adminToken);
        expect(events.body.events[0]).toMatchObject({ kind: 'system.ca.certificate.issued', actor: 'operator:admin', data: { serial: out.serial, profile: 'operator-client' } });
      });
      // ca_sign is internal: the gateway does not expose it on any transport.
      expect((await mcp.listTools()).tools.map((t) => t.name)).not.toContain('ca_sign');
    } finally {
      await mcp.close();
    }
    expect((await postAction(gateway, 'ca_sign', {}, gateway.adminToken)).status).toBe(404);
  });

  it('revokes through gRPC with ca.admin and refuses a viewer', async () => {
    const grpc = new PlatformGrpcClient(gateway.grpcAddress);
    try {
      const exported = (await postAction(gateway, 'docker_export_operator_cert', {}, gateway.adminToken)).body;
      await postAction(gateway, 'identity_create_account', { name: 'vic', roles: ['viewer'] }, gateway.adminToken);
      const viewer = (await postAction(gateway, 'identity_issue_token', { account_id: 'vic' }, gateway.adminToken)).body.token;
      const denied = await grpc.callError('ca_revoke_certificate', { serial: exported.serial }, PlatformGrpcClient.metadata(viewer));
      expect(denied.code).toBe(7);
      const revoked = await grpc.call('ca_revoke_certificate', { serial: exported.serial, reason: 'superseded' }, PlatformGrpcClient.metadata(gateway.adminToken));
      expect(revoked).toEqual({ serial: exported.serial, revoked: true, already_revoked: false });
      const listed = await postAction(gateway, 'ca_list_certificates', { profile: 'operator-client' }, gateway.adminToken);
      expect(listed.body.certificates.find((c: { serial: string }) => c.serial === exported.serial)).toMatchObject({ revoked: true, revocation_reason: 'superseded' });
    } finally {
      grpc.close();
    }
  });
});
