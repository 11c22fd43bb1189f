import { Server as GrpcServer, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { ACTIONS, PLATFORM_GRPC_SERVICE, type ActionDef } from '@powernode/contracts';
import type { ActionInvoker } from '../actions/action-invoker.js';
import { createPlatformHandlers, withTypedDecodeErrors } from './grpc-handlers.js';
import { loadPlatformPackageDefinition } from './platform-proto-loader.js';

/** Transport id, so `@MessagePattern`s bound to other transports are not routed here. */
export const GRPC_ACTIONS_TRANSPORT = Symbol('GrpcActionsTransport');

export type GrpcActionsStatus = 'listening' | 'closed';

export interface GrpcActionsTransportOptions {
  /** `host:port` to bind; port 0 picks a free port (read it from `port`). Default `127.0.0.1:50051`. */
  address?: string;
  /** Defaults to the platform's action table. */
  actions?: readonly ActionDef[];
  /** Defaults to insecure (plaintext), for a listener behind the platform's TLS edge or on loopback. */
  credentials?: ServerCredentials;
  /** gRPC server reflection (grpcurl, Postman); default on. */
  reflection?: boolean;
  /** How long `close()` lets in-flight unary calls finish before cancelling them. Default 5000. */
  shutdownTimeoutMs?: number;
}

/**
 * Nest custom transport serving `powernode.platform.v1.Platform`: one gRPC method per action,
 * generated from the action table and delegated to the ActionInvoker.
 */
export class GrpcActionsTransport extends Server<Record<string, never>, GrpcActionsStatus> implements CustomTransportStrategy {
  override readonly transportId = GRPC_ACTIONS_TRANSPORT;
  private readonly log = new Logger(GrpcActionsTransport.name);
  private server: GrpcServer | undefined;
  private boundPort: number | undefined;
  private shutdown = new AbortController();

  constructor(
    private readonly invoker: ActionInvoker,
    private readonly options: GrpcActionsTransportOptions = {},
  ) {
    super();
  }

  /** The port actually bound (useful with port 0); throws before `listen` completes. */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('GrpcActionsTransport is not listening');
    return this.boundPort;
  }

  listen(callback: (error?: unknown) => void): void {
    this.start().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    this.boundPort = undefined;
    this.shutdown.abort();
    const timeoutMs = this.options.shutdownTimeoutMs ?? 5000;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, timeoutMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this._status$.next('closed');
  }

  /** The underlying @grpc/grpc-js Server. */
  unwrap<T>(): T {
    if (this.server === undefined) throw new Error('GrpcActionsTransport is not listening');
    return this.server as T;
  }

  /** grpc-js servers emit no events worth forwarding; status changes are on `status`. */
  on(_event: string, _callback: (...args: unknown[]) => unknown): never {
    throw new Error('GrpcActionsTransport has no events; subscribe to `status` instead');
  }

  private async start(): Promise<void> {
    if (this.server !== undefined) throw new Error('GrpcActionsTransport is already listening');
    const actions = this.options.actions ?? ACTIONS;
    const packageDefinition = loadPlatformPackageDefinition(actions);
    const server = new GrpcServer();
    this.shutdown = new AbortController();
    server.addService(
      withTypedDecodeErrors(packageDefinition[PLATFORM_GRPC_SERVICE] as ServiceDefinition),
      createPlatformHandlers({ actions, invoker: this.invoker, logger: this.log, shutdown: this.shutdown.signal }),
    );
    if (this.options.reflection ?? true) new ReflectionService(packageDefinition).addToServer(server);

    const address = this.options.address ?? '127.0.0.1:50051';
    const credentials = this.options.credentials ?? ServerCredentials.createInsecure();
    this.boundPort = await new Promise<number>((resolve, reject) => {
      server.bindAsync(address, credentials, (error, port) => (error ? reject(error) : resolve(port)));
    });
    this.server = server;
    this._status$.next('listening');
    this.log.log(`${PLATFORM_GRPC_SERVICE} listening on ${address.replace(/:0$/, `:${this.boundPort}`)} (${actions.length} methods)`);
  }
}
