import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ActionServer, PinoNestLogger, createLogger, type Logger } from '@powernode/service-kit';
import type { AddressInfo } from 'node:net';
import type { InternalCaService } from './adapters/internal-ca-service.js';
import { createCaAdapter } from './adapters/create-adapter.js';
import { CaModule } from './ca.module.js';
import { CaService } from './ca.service.js';
import type { CaConfig } from './config.js';
import { caHandlers } from './handlers.js';
import { startCaRuntime, type CaRuntime } from './runtime.js';

export interface RunningCa {
  httpUrl: string;
  runtime: CaRuntime;
  adapter: InternalCaService;
  close(): Promise<void>;
}

/** The CA service: its actions over NATS (queue group `ca`) and the public CRL/chain over HTTP. */
export async function startCa(config: CaConfig, logger: Logger = createLogger('ca', config.LOG_LEVEL)): Promise<RunningCa> {
  const runtime = await startCaRuntime(config, logger);
  let adapter: InternalCaService | undefined;
  try {
    adapter = await createCaAdapter(config, runtime.db);
    const ca = new CaService(runtime, adapter);
    const app = await NestFactory.create<NestExpressApplication>(CaModule.register(adapter), { logger: new PinoNestLogger(logger) });
    app.connectMicroservice({
      strategy: new ActionServer({
        natsUrl: config.NATS_URL,
        rpcPrefix: config.RPC_SUBJECT_PREFIX,
        service: 'ca',
        handlers: caHandlers(ca),
        logger,
        serviceToken: config.PLATFORM_SERVICE_TOKEN,
      }),
    });
    await app.startAllMicroservices();
    await app.listen(config.CA_HTTP_PORT, config.CA_HTTP_HOST);
    const { port } = app.getHttpServer().address() as AddressInfo;
    const host = config.CA_HTTP_HOST.includes(':') ? `[${config.CA_HTTP_HOST}]` : config.CA_HTTP_HOST;
    const running = adapter;
    return {
      httpUrl: `http://${host}:${port}`,
      runtime,
      adapter: running,
      close: async () => {
        await app.close();
        await running.close?.();
        await runtime.close();
      },
    };
  } catch (error) {
    await adapter?.close?.();
    await runtime.close();
    throw error;
  }
}
