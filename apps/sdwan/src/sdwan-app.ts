import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { ActionServer, Lease, PinoNestLogger, createLogger, type Logger } from '@powernode/service-kit';
import type { SdwanConfig } from './config.js';
import { sdwanHandlers } from './handlers.js';
import { startBootstrapServer } from './http/bootstrap-server.js';
import { startSdwanRuntime, type SdwanRuntime } from './runtime.js';
import { SdwanModule } from './sdwan.module.js';
import { SdwanService } from './sdwan.service.js';

export interface RunningSdwan {
  runtime: SdwanRuntime;
  sdwan: SdwanService;
  /** Held by one replica at a time: that one sweeps expired access grants. */
  lease: Lease;
  /** Base URL of the bootstrap endpoint. */
  httpUrl: string;
  close(): Promise<void>;
}

/** The sdwan service: networks, peers, /128 allocation, desired WireGuard state, access grants. */
export async function startSdwan(config: SdwanConfig, logger: Logger = createLogger('sdwan', config.LOG_LEVEL)): Promise<RunningSdwan> {
  const runtime = await startSdwanRuntime(config, logger);
  const lease = new Lease({ db: runtime.db, schema: config.DATABASE_SCHEMA, name: 'leader', logger });
  try {
    await lease.start();
    const sdwan = new SdwanService(runtime);
    await sdwan.installation.ensurePrefix();
    const http = await startBootstrapServer(sdwan.grants, config.SDWAN_HTTP_HOST, config.SDWAN_HTTP_PORT, logger);
    sdwan.grants.boundPort = http.port;
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(SdwanModule, {
      strategy: new ActionServer({
        natsUrl: config.NATS_URL,
        rpcPrefix: config.RPC_SUBJECT_PREFIX,
        service: 'sdwan',
        handlers: sdwanHandlers(sdwan),
        logger,
        serviceToken: config.PLATFORM_SERVICE_TOKEN,
      }),
      logger: new PinoNestLogger(logger),
    });
    await app.listen();
    let sweeping = Promise.resolve();
    const sweeper = setInterval(() => {
      if (!lease.isHeld()) return;
      sweeping = sweeping
        .then(() => sdwan.grants.sweepExpired())
        .then(() => undefined)
        .catch((error: Error) => logger.warn({ err: error }, 'access grant sweep failed'));
    }, config.SDWAN_GRANT_SWEEP_INTERVAL_S * 1000);
    sweeper.unref();
    const host = config.SDWAN_HTTP_HOST.includes(':') ? `[${config.SDWAN_HTTP_HOST}]` : config.SDWAN_HTTP_HOST;
    return {
      runtime,
      sdwan,
      lease,
      httpUrl: `http://${host}:${http.port}`,
      close: async () => {
        clearInterval(sweeper);
        await sweeping;
        await lease.stop();
        await new Promise((resolve) => http.server.close(resolve));
        await app.close();
        await runtime.close();
      },
    };
  } catch (error) {
    await lease.stop();
    await runtime.close();
    throw error;
  }
}
