import type { Server as HttpServer } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ACTIONS } from '@powernode/contracts';
import { ActionServer, PinoNestLogger, createLogger, type Logger } from '@powernode/service-kit';
import type { AddressInfo } from 'node:net';
import { GatewayActionInvoker } from './actions/gateway-action-invoker.js';
import type { GatewayConfig } from './config.js';
import { EventLogQuery } from './events/event-log.query.js';
import { GatewayModule } from './gateway.module.js';
import { GrpcActionsTransport } from './grpc/index.js';
import { identityHandlers } from './handlers/identity.handlers.js';
import { platformHandlers } from './handlers/platform.handlers.js';
import { jsonBodyParser } from './http/body-parser.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { TokenAuthenticator } from './identity/authenticator.js';
import { bootstrapAdminToken } from './identity/bootstrap-admin.js';
import { IdentityService } from './identity/identity.service.js';

import { GATEWAY_VERSION, startGatewayRuntime, type GatewayRuntime } from './runtime.js';

export interface RunningGateway {
  httpUrl: string;
  grpcAddress: string;
  tokenPath: string;
  runtime: GatewayRuntime;
  close(): Promise<void>;
}

/**
 * The gateway as a hybrid Nest app: HTTP (actions, OpenAPI, Swagger UI, MCP, SSE), the gRPC
 * transport, and the NATS transport answering the actions the gateway itself owns.
 */
export async function startGateway(config: GatewayConfig, logger: Logger = createLogger('gateway', config.LOG_LEVEL)): Promise<RunningGateway> {
  const runtime = await startGatewayRuntime(config, logger);
  try {
    const auth = new TokenAuthenticator(runtime.db, config.DATABASE_SCHEMA);
    const eventLog = new EventLogQuery(runtime.db, config.DATABASE_SCHEMA);
    await auth.ensureIndexes();
    await eventLog.ensureIndexes();
    const identity = new IdentityService(runtime.store, runtime.projections.tokens, runtime.projections.accounts);
    const invoker = new GatewayActionInvoker(runtime, auth);

    const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register({ runtime, invoker, logger }), {
      bodyParser: false,
      logger: new PinoNestLogger(logger),
    });
    app.use(...jsonBodyParser());
    SwaggerModule.setup('docs', app, buildOpenApiDocument(ACTIONS, GATEWAY_VERSION) as unknown as OpenAPIObject, { jsonDocumentUrl: 'docs/openapi.json' });
    app.connectMicroservice(
      {
        strategy: new ActionServer({
          natsUrl: config.NATS_URL,
          rpcPrefix: config.RPC_SUBJECT_PREFIX,
          service: 'gateway',
          handlers: [...identityHandlers(identity, auth), ...platformHandlers(runtime, eventLog)],
          logger,
        }),
      },
      { inheritAppConfig: true },
    );
    const grpc = new GrpcActionsTransport(invoker, { address: config.GATEWAY_GRPC_ADDR });
    app.connectMicroservice({ strategy: grpc });
    await app.startAllMicroservices();
    // Idle keep-alive sockets outlive clients' own idle timers (undici: 4 s; proxies: 60 s), so a client never
    // reuses a socket the server is closing at that moment ("other side closed" on a long-lived MCP session).
    const server = app.getHttpServer() as HttpServer;
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await app.listen(config.GATEWAY_HTTP_PORT, config.GATEWAY_HTTP_HOST);

    const tokenPath = await bootstrapAdminToken(config.POWERNODE_STATE_DIR, identity, auth, logger, { dataSource: runtime.db, schema: config.DATABASE_SCHEMA });
    const { port } = app.getHttpServer().address() as AddressInfo;
    const host = config.GATEWAY_HTTP_HOST.includes(':') ? `[${config.GATEWAY_HTTP_HOST}]` : config.GATEWAY_HTTP_HOST;
    const grpcHost = config.GATEWAY_GRPC_ADDR.replace(/:\d+$/, '');
    return {
      httpUrl: `http://${host}:${port}`,
      grpcAddress: `${grpcHost}:${grpc.port}`,
      tokenPath,
      runtime,
      close: async () => {
        await app.close();
        await runtime.close();
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
