import { status, type ServiceError } from '@grpc/grpc-js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { eventually } from '@powernode/testing';
import { ERROR_CODE_METADATA } from './grpc/index.js';
import { PlatformGrpcClient } from './testing/grpc-client.js';
import { postAction, startTestGateway, type TestGateway } from './testing/test-gateway.js';

describe('gateway over gRPC, and the same action on all three transports', () => {
  let sut: TestGateway;
  let grpc: PlatformGrpcClient;
  let viewerToken: string;
  const md = (token: string | null = sut.adminToken) => PlatformGrpcClient.metadata(token);

  beforeAll(async () => {
    sut = await startTestGateway();
    grpc = new PlatformGrpcClient(sut.grpcAddress);
    await postAction(sut, 'identity_create_account', { name: 'gina', roles: ['viewer'] }, sut.adminToken);
    viewerToken = (await postAction(sut, 'identity_issue_token', { account_id: 'gina' }, sut.adminToken)).body.token;
  });
  afterAll(async () => {
    grpc?.close();
    await sut?.destroy();
  });

  it('gives equal results through HTTP, gRPC and MCP', async () => {
    const mcp = new Client({ name: 'parity', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(`${sut.httpUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${sut.adminToken}` } } }));
    try {
      for (const [action, input] of [
        ['recent_events', { kind_prefix: 'system.identity', limit: 20 }],
        ['identity_whoami', {}],
      ] as const) {
        const viaHttp = (await postAction(sut, action, input, sut.adminToken)).body;
        const viaGrpc = await grpc.call(action, input, md());
        const viaMcp = (await mcp.callTool({ name: action, arguments: input })).structuredContent;
        expect(viaGrpc).toEqual(viaHttp);
        expect(viaMcp).toEqual(viaHttp);
      }
      expect(((await grpc.call('recent_events', { kind_prefix: 'system.identity' }, md())) as { events: unknown[] }).events.length).toBeGreaterThanOrEqual(4);
    } finally {
      await mcp.close();
    }
  });

  it('maps 401, 403 and 400 to gRPC status codes with the stable error code', async () => {
    const unauthenticated = await grpc.callError('recent_events', {}, md(null));
    expect(unauthenticated.code).toBe(status.UNAUTHENTICATED);
    const denied: ServiceError = await grpc.callError('identity_create_account', { name: 'x', roles: ['admin'] }, md(viewerToken));
    expect(denied.code).toBe(status.PERMISSION_DENIED);
    expect(denied.metadata.get(ERROR_CODE_METADATA)).toEqual(['PermissionDenied']);
    const invalid = await grpc.callError('recent_events', { limit: 9999 }, md());
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    expect(invalid.metadata.get(ERROR_CODE_METADATA)).toEqual(['InvalidInput']);
    expect(invalid.details).toMatch(/limit/);
  });

  it('creates through gRPC with the caller as actor', async () => {
    const created = await grpc.call('identity_create_account', { name: 'grpc-made', roles: ['operator'] }, md());
    expect(created).toEqual({ account: { id: 'grpc-made', name: 'grpc-made', roles: ['operator'] } });
    const { body } = await postAction(sut, 'recent_events', { kind_prefix: 'system.identity.account', limit: 1 }, sut.adminToken);
    expect(body.events[0]).toMatchObject({ aggregate_id: 'grpc-made', actor: 'operator:admin' });
  });

  it('streams live events over server streaming', async () => {
    const seen: Record<string, unknown>[] = [];
    const call = grpc.stream('watch_events', { kind_prefix: 'system.identity.account' }, md(), (item) => seen.push(item));
    call.on('error', () => undefined); // the cancel below ends it with CANCELLED
    try {
      // The stream is live once it delivers an event created after it started; retry the create until then.
      let n = 0;
      await eventually(async () => {
        await postAction(sut, 'identity_create_account', { name: `streamed-${n++}`, roles: ['viewer'] }, sut.adminToken);
        expect(seen.map((e) => e.aggregate_id)).toEqual(expect.arrayContaining([expect.stringMatching(/^streamed-/)]));
      });
      expect(seen[0]).toMatchObject({ kind: 'system.identity.account.created', actor: 'operator:admin' });
    } finally {
      call.cancel();
    }
  });
});
