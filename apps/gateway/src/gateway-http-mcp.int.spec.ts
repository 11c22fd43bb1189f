import { stat } from 'node:fs/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { eventually } from '@powernode/testing';
import { postAction, startTestGateway, type TestGateway } from './testing/test-gateway.js';

async function mcpClient(gateway: TestGateway, token?: string): Promise<Client> {
  const client = new Client({ name: 'powernode-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${gateway.httpUrl}/mcp`), {
    requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} },
  });
  await client.connect(transport);
  return client;
}

async function streamMessages(gateway: TestGateway): Promise<number> {
  const jsm = await jetstreamManager(gateway.runtime.nc);
  return (await jsm.streams.info(gateway.config.EVENT_STREAM)).state.messages;
}

describe('gateway over HTTP and MCP', () => {
  let sut: TestGateway;
  let viewerToken: string;

  beforeAll(async () => {
    sut = await startTestGateway();
    await postAction(sut, 'identity_create_account', { name: 'vera', roles: ['viewer'] }, sut.adminToken);
    viewerToken = (await postAction(sut, 'identity_issue_token', { account_id: 'vera' }, sut.adminToken)).body.token;
  });
  afterAll(() => sut?.destroy());

  it('writes the admin token to the state directory with mode 0600', async () => {
    expect((await stat(sut.tokenPath)).mode & 0o777).toBe(0o600);
    expect(sut.adminToken).toMatch(/^pn_[A-Za-z0-9_-]{43}$/);
  });

  it('reports each part in platform_provisioning_status (this test runs the gateway alone, without the CA or the catalog)', async () => {
    const { status, body } = await postAction(sut, 'platform_provisioning_status', {}, sut.adminToken);
    expect(status).toBe(200);
    expect(body.nats.reachable).toBe(true);
    expect(body.nats.version).toMatch(/^2\./);
    expect(body.jetstream).toMatchObject({ reachable: true, stream: sut.config.EVENT_STREAM });
    expect(body.postgres).toMatchObject({ reachable: true });
    expect(body.services).toEqual([
      expect.objectContaining({ name: 'gateway', reachable: true, instances: 1 }),
      { name: 'ca', reachable: false, instances: 0 },
      { name: 'catalog', reachable: false, instances: 0 },
      { name: 'handshake', reachable: false, instances: 0 },
      { name: 'sdwan', reachable: false, instances: 0 },
      { name: 'docker-proxy', reachable: false, instances: 0 },
    ]);
    expect(body.ca).toMatchObject({ reachable: false, error: expect.stringMatching(/not running/) });
    expect(body.ca_adapter).toBeUndefined();
    // docker-proxy does not answer: the registry is reported unreachable, the call itself still succeeds.
    expect(body.registry).toEqual({ images: [], ready: false, reachable: false, error: expect.stringMatching(/docker-proxy is not running/) });
  });

  it('answers 401 without or with a bad token, 403 without the permission, 400 naming the bad field', async () => {
    expect(await postAction(sut, 'recent_events', {})).toMatchObject({ status: 401, body: { code: 'Unauthenticated' } });
    expect(await postAction(sut, 'recent_events', {}, 'pn_nope')).toMatchObject({ status: 401, body: { code: 'Unauthenticated' } });
    expect(await postAction(sut, 'identity_create_account', { name: 'x', roles: ['admin'] }, viewerToken)).toMatchObject({
      status: 403,
      body: { code: 'PermissionDenied' },
    });
    const bad = await postAction(sut, 'recent_events', { limit: 0 }, sut.adminToken);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('InvalidInput');
    expect(bad.body.details.issues).toEqual([expect.objectContaining({ field: 'limit' })]);
    expect(await postAction(sut, 'no_such_action', {}, sut.adminToken)).toMatchObject({ status: 404, body: { code: 'NotFound' } });
  });

  it('refuses bodies over 1 MiB and malformed JSON', async () => {
    const huge = await postAction(sut, 'recent_events', { pad: 'x'.repeat(1024 * 1024 + 10) }, sut.adminToken);
    expect(huge).toMatchObject({ status: 413, body: { code: 'PayloadTooLarge' } });
    const res = await fetch(`${sut.httpUrl}/api/v1/actions/recent_events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sut.adminToken}` },
      body: '{"limit":',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('InvalidInput');
  });

  it('appends nothing for bad input or a refused action', async () => {
    const before = await streamMessages(sut);
    expect((await postAction(sut, 'identity_create_account', { name: 'Not Valid!', roles: ['admin'] }, sut.adminToken)).status).toBe(400);
    expect((await postAction(sut, 'identity_create_account', { name: 'ok', roles: ['root'] }, sut.adminToken)).status).toBe(400);
    expect((await postAction(sut, 'identity_create_account', { name: 'ok', roles: ['admin'] }, viewerToken)).status).toBe(403);
    expect((await postAction(sut, 'identity_create_account', { name: 'vera', roles: ['admin'] }, sut.adminToken)).body.code).toBe('Conflict');
    expect(await streamMessages(sut)).toBe(before);
  });

  it('lists events newest first with their actor, filtered by kind prefix and cursor', async () => {
    await postAction(sut, 'identity_create_account', { name: 'otto', roles: ['operator'] }, sut.adminToken);
    const { body } = await postAction(sut, 'recent_events', { kind_prefix: 'system.identity.account', limit: 10 }, sut.adminToken);
    expect(body.events.map((e: { data: { name: string } }) => e.data.name)).toEqual(['otto', 'vera', 'admin']);
    expect(body.events[0]).toMatchObject({ kind: 'system.identity.account.created', aggregate_id: 'otto', actor: 'operator:admin' });
    expect(body.events[2].actor).toBe('system:gateway-bootstrap');
    const after = await postAction(sut, 'recent_events', { kind_prefix: 'system.identity', after: body.events[1].id }, sut.adminToken);
    // After vera's account: her token (issued in beforeAll), then otto's account.
    expect(after.body.events.map((e: { kind: string; aggregate_id: string }) => `${e.kind} ${e.aggregate_id}`)).toEqual([
      'system.identity.account.created otto',
      'system.identity.token.issued vera',
    ]);
    const none = await postAction(sut, 'recent_events', { kind_prefix: 'system.docker' }, sut.adminToken);
    expect(none.body.events).toEqual([]);
  });

  it('revoked tokens stop working', async () => {
    const issued = (await postAction(sut, 'identity_issue_token', { account_id: 'vera', label: 'short-lived' }, sut.adminToken)).body;
    expect((await postAction(sut, 'identity_whoami', {}, issued.token)).status).toBe(200);
    await postAction(sut, 'identity_revoke_token', { account_id: 'vera', token_id: issued.token_id }, sut.adminToken);
    expect((await postAction(sut, 'identity_whoami', {}, issued.token)).status).toBe(401);
  });

  it('streams live events as SSE', async () => {
    const abort = new AbortController();
    const res = await fetch(`${sut.httpUrl}/api/v1/events/watch?kind_prefix=system.identity.account`, {
      headers: { authorization: `Bearer ${sut.adminToken}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    await reader.read(); // the ": watching" comment: subscribed
    await postAction(sut, 'identity_create_account', { name: 'sam', roles: ['viewer'] }, sut.adminToken);
    let text = '';
    await eventually(async () => {
      text += new TextDecoder().decode((await reader.read()).value);
      expect(text).toMatch(/"aggregate_id":"sam"/);
    });
    abort.abort();
    expect((await fetch(`${sut.httpUrl}/api/v1/events/watch`)).status).toBe(401);
  });

  it('serves OpenAPI, Swagger UI and health', async () => {
    const doc = (await (await fetch(`${sut.httpUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/v1/actions/platform_provisioning_status');
    expect((await fetch(`${sut.httpUrl}/docs`)).status).toBe(200);
    expect(await (await fetch(`${sut.httpUrl}/healthz`)).json()).toEqual({ status: 'ok', nats: true, postgres: true });
  });

  describe('MCP', () => {
    it('lists one tool per unary action under the server name platform', async () => {
      const client = await mcpClient(sut, sut.adminToken);
      expect(client.getServerVersion()?.name).toBe('platform');
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['platform_provisioning_status', 'recent_events', 'identity_whoami']));
      await client.close();
    });

    it('gives the same result as HTTP', async () => {
      const client = await mcpClient(sut, sut.adminToken);
      const input = { kind_prefix: 'system.identity', limit: 5 };
      const viaHttp = await postAction(sut, 'recent_events', input, sut.adminToken);
      const viaMcp = await client.callTool({ name: 'recent_events', arguments: input });
      expect(viaMcp.isError).toBeFalsy();
      expect(viaMcp.structuredContent).toEqual(viaHttp.body);
      await client.close();
    });

    it('maps 403 and 400 to tool errors with the stable code; no token is a 401', async () => {
      const viewer = await mcpClient(sut, viewerToken);
      const denied = await viewer.callTool({ name: 'identity_create_account', arguments: { name: 'x', roles: ['admin'] } });
      expect(denied.isError).toBe(true);
      expect(JSON.parse((denied.content as { text: string }[])[0]!.text)).toMatchObject({ code: 'PermissionDenied' });
      const bad = await viewer.callTool({ name: 'recent_events', arguments: { limit: 'many' } });
      expect(bad.isError).toBe(true);
      expect(JSON.parse((bad.content as { text: string }[])[0]!.text)).toMatchObject({ code: 'InvalidInput', details: { issues: [{ field: 'limit' }] } });
      await viewer.close();
      await expect(mcpClient(sut)).rejects.toThrow(/401|Unauthorized|Unauthenticated/i);
    });
  });
});
