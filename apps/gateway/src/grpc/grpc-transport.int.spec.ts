import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Metadata, credentials, loadPackageDefinition, status, type Client, type ClientReadableStream, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ACTIONS, PLATFORM_GRPC_SERVICE, PlatformError, actionProtoMessages, findAction, grpcMethodName, type ProtoMessage } from '@powernode/contracts';
import { eventually } from '@powernode/testing';
import { ActionInvoker, type CallContext, type Caller } from '../actions/action-invoker.js';
import { GrpcActionsTransport } from './grpc-actions.transport.js';
import { ERROR_CODE_METADATA, ERROR_DETAILS_METADATA } from './grpc-errors.js';
import { jsonToMessage, messageToJson } from './message-codec.js';
import { PLATFORM_PROTO_LOADER_OPTIONS } from './platform-proto-loader.js';

const execFileAsync = promisify(execFile);
const TOKEN = 'Bearer good-token';
const caller: Caller = { accountId: 'acc-1', name: 'ops', roles: ['admin'], permissions: new Set() };

const event = {
  id: 'e-1',
  kind: 'system.docker.host.registered',
  aggregate_id: 'h-1',
  occurred_at: '2024-01-02T03:04:05.000Z',
  actor: 'acc-1',
  data: { host: 'h-1', labels: { zone: 'a' }, ports: [80, 443], ratio: 0.5, enabled: false, gone: null, empty: {} },
};

/** The unit boundary: the real invoker (validation, permissions, NATS routing) is tested elsewhere. */
class FakeInvoker extends ActionInvoker {
  readonly invocations: { action: string; input: unknown; context: CallContext | undefined }[] = [];
  streamAborted = false;

  async authenticate(authorization: string | undefined): Promise<Caller> {
    if (authorization !== TOKEN) throw new PlatformError('Unauthenticated', 'missing or invalid bearer token');
    return caller;
  }

  async invoke(action: string, input: unknown, _caller: Caller, context?: CallContext): Promise<unknown> {
    this.invocations.push({ action, input, context });
    switch (action) {
      case 'recent_events':
        return { events: [event] };
      case 'platform_provisioning_status':
        return {
          nats: { reachable: false, error: 'connection refused' },
          jetstream: { reachable: true, version: '2.10.0', stream: '', messages: 0 },
          postgres: { reachable: true },
          services: [],
        };
      case 'identity_create_account':
        throw new PlatformError('PermissionDenied', 'requires system.identity_admin', { permission: 'system.identity_admin', über: 'ü' });
      case 'identity_issue_token':
        throw new PlatformError('InvalidInput', 'invalid input: account_id', { issues: [{ field: 'account_id', message: 'required' }] });
      default:
        throw new Error('database exploded');
    }
  }

  async *stream(action: string, _input: unknown, _caller: Caller, signal: AbortSignal): AsyncIterable<unknown> {
    signal.addEventListener('abort', () => (this.streamAborted = true));
    for (let n = 0; !signal.aborted; n++) {
      yield { ...event, id: `${action}-${n}` };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

@Module({})
class EmptyModule {}

type Unary = (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: Record<string, unknown>) => void) => void;

describe(GrpcActionsTransport.name, () => {
  const invoker = new FakeInvoker();
  let app: INestApplication;
  let sut: GrpcActionsTransport;
  let client: Client & Record<string, unknown>;

  beforeAll(async () => {
    app = await NestFactory.create(EmptyModule, { logger: false });
    sut = new GrpcActionsTransport(invoker, { address: '127.0.0.1:0' });
    app.connectMicroservice({ strategy: sut });
    await app.startAllMicroservices();

    // A client built from the committed proto, as an operator's tooling would be.
    const definition = loadSync(join(process.cwd(), 'libs/contracts/proto/platform.proto'), PLATFORM_PROTO_LOADER_OPTIONS);
    const Platform = loadPackageDefinition(definition)['powernode']!['platform' as never]['v1' as never]['Platform' as never] as unknown as ServiceClientConstructor;
    client = new Platform(`127.0.0.1:${sut.port}`, credentials.createInsecure()) as Client & Record<string, unknown>;
  });

  afterAll(async () => {
    client?.close();
    await app?.close();
  });

  function messagesOf(action: string): { request: ProtoMessage; response: ProtoMessage } {
    return actionProtoMessages(findAction(action)!);
  }

  function metadata(extra: Record<string, string> = {}, token: string | null = TOKEN): Metadata {
    const md = new Metadata();
    if (token !== null) md.set('authorization', token);
    for (const [key, value] of Object.entries(extra)) md.set(key, value);
    return md;
  }

  /** Calls a unary method with JSON in and out (encoded/decoded by the same codec). */
  async function call(action: string, input: object, md = metadata()): Promise<{ json: Record<string, unknown>; raw: Record<string, unknown> }> {
    const { request, response } = messagesOf(action);
    const method = (client[grpcMethodName({ name: action })] as Unary).bind(client);
    const raw = await new Promise<Record<string, unknown>>((resolve, reject) => method(jsonToMessage(request, input), md, (error, res) => (error ? reject(error) : resolve(res))));
    return { json: messageToJson(response, raw), raw };
  }

  async function callError(action: string, input: object, md = metadata()): Promise<ServiceError> {
    return call(action, input, md).then(
      () => {
        throw new Error(`${action} unexpectedly succeeded`);
      },
      (error: ServiceError) => error,
    );
  }

  it('round-trips a unary call as equal JSON, Struct fields included', async () => {
    const { json, raw } = await call('recent_events', { limit: 10 }, metadata({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }));

    expect(json).toEqual({ events: [event] });
    const wireEvent = (raw['events'] as Record<string, unknown>[])[0]!;
    expect(wireEvent['data']).toHaveProperty('fields.labels.structValue.fields.zone.stringValue', 'a');
    // unset optionals stay absent, so the invoker's zod defaults apply; traceparent reaches the context
    expect(invoker.invocations.at(-1)).toEqual({
      action: 'recent_events',
      input: { limit: 10 },
      context: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
  });

  it('keeps zero values and drops unset optionals in responses', async () => {
    const { json } = await call('platform_provisioning_status', {});
    expect(json).toEqual({
      nats: { reachable: false, error: 'connection refused' },
      jetstream: { reachable: true, version: '2.10.0', stream: '', messages: 0 },
      postgres: { reachable: true },
      services: [],
    });
  });

  it('answers UNAUTHENTICATED without a token', async () => {
    const error = await callError('recent_events', {}, metadata({}, null));
    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(error.metadata.get(ERROR_CODE_METADATA)).toEqual(['Unauthenticated']);
  });

  it('maps PermissionDenied to PERMISSION_DENIED with code and details metadata', async () => {
    const error = await callError('identity_create_account', { name: 'x', roles: ['admin'] });
    expect(error.code).toBe(status.PERMISSION_DENIED);
    expect(error.details).toBe('requires system.identity_admin');
    expect(error.metadata.get(ERROR_CODE_METADATA)).toEqual(['PermissionDenied']);
    expect(JSON.parse(error.metadata.get(ERROR_DETAILS_METADATA)[0] as string)).toEqual({ permission: 'system.identity_admin', über: 'ü' });
  });

  it('maps InvalidInput to INVALID_ARGUMENT', async () => {
    const error = await callError('identity_issue_token', { account_id: '' });
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.metadata.get(ERROR_CODE_METADATA)).toEqual(['InvalidInput']);
  });

  it('maps an unknown error to INTERNAL with an errorId and no internals', async () => {
    const error = await callError('identity_revoke_token', { account_id: 'a', token_id: 't' });
    expect(error.code).toBe(status.INTERNAL);
    expect(error.details).toMatch(/^internal error \(errorId [0-9a-f-]{36}\)$/);
    expect(error.details).not.toContain('database exploded');
    expect(JSON.parse(error.metadata.get(ERROR_DETAILS_METADATA)[0] as string)).toEqual({ errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('streams items and stops the invoker stream when the client cancels', async () => {
    const { request, response } = messagesOf('watch_events');
    const stream = (client['WatchEvents'] as (req: object, md: Metadata) => ClientReadableStream<Record<string, unknown>>)(jsonToMessage(request, {}), metadata());
    const items: Record<string, unknown>[] = [];
    const ended = new Promise<ServiceError | undefined>((resolve) => {
      stream.on('error', (error: ServiceError) => resolve(error));
      stream.on('end', () => resolve(undefined));
    });
    stream.on('data', (item: Record<string, unknown>) => {
      items.push(messageToJson(response, item));
      if (items.length === 3) stream.cancel();
    });

    expect((await ended)?.code).toBe(status.CANCELLED);
    expect(items.slice(0, 3)).toEqual([0, 1, 2].map((n) => ({ ...event, id: `watch_events-${n}` })));
    await eventually(() => expect(invoker.streamAborted).toBe(true));
  });

  it('rejects an unauthenticated stream with UNAUTHENTICATED', async () => {
    const stream = (client['WatchEvents'] as (req: object, md: Metadata) => ClientReadableStream<unknown>)({}, metadata({}, 'Bearer wrong'));
    const error = await new Promise<ServiceError>((resolve) => stream.on('error', resolve));
    expect(error.code).toBe(status.UNAUTHENTICATED);
  });

  it('lists powernode.platform.v1.Platform and its methods through server reflection (scripts/grpc-list.mjs)', async () => {
    const list = (...args: string[]) => execFileAsync(process.execPath, ['scripts/grpc-list.mjs', `127.0.0.1:${sut.port}`, ...args]);
    expect((await list()).stdout.split('\n')).toContain(PLATFORM_GRPC_SERVICE);
    const methods = (await list(PLATFORM_GRPC_SERVICE)).stdout.trim().split('\n');
    expect(methods).toHaveLength(ACTIONS.length);
    expect(methods).toContain(`${PLATFORM_GRPC_SERVICE}.RecentEvents`);
  });

  it('serves one method per action', () => {
    const Platform = client.constructor as ServiceClientConstructor;
    expect(Object.keys(Platform.service)).toHaveLength(ACTIONS.length);
  });
});

describe(`${GrpcActionsTransport.name} shutdown`, () => {
  it('ends open streams with UNAVAILABLE and closes promptly', async () => {
    const invoker = new FakeInvoker();
    const app = await NestFactory.create(EmptyModule, { logger: false });
    const sut = new GrpcActionsTransport(invoker, { address: '127.0.0.1:0', reflection: false, shutdownTimeoutMs: 10_000 });
    app.connectMicroservice({ strategy: sut });
    await app.startAllMicroservices();
    const definition = loadSync(join(process.cwd(), 'libs/contracts/proto/platform.proto'), PLATFORM_PROTO_LOADER_OPTIONS);
    const Platform = loadPackageDefinition(definition)['powernode']!['platform' as never]['v1' as never]['Platform' as never] as unknown as ServiceClientConstructor;
    const client = new Platform(`127.0.0.1:${sut.port}`, credentials.createInsecure());
    try {
      const md = new Metadata();
      md.set('authorization', TOKEN);
      const stream = (client['WatchEvents'] as (req: object, md: Metadata) => ClientReadableStream<unknown>)({}, md);
      const failed = new Promise<ServiceError>((resolve) => stream.on('error', resolve));
      await new Promise((resolve) => stream.once('data', resolve));

      // Open streams must not hold shutdown for shutdownTimeoutMs: they are ended at once.
      await app.close();

      expect((await failed).code).toBe(status.UNAVAILABLE);
      expect(invoker.streamAborted).toBe(true);
    } finally {
      client.close();
    }
  });
});
