import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { ActionServer, PinoNestLogger, createLogger, type Logger } from '@powernode/service-kit';
import { CatalogModule } from './catalog.module.js';
import { CatalogService } from './catalog.service.js';
import type { CatalogConfig } from './config.js';
import { catalogHandlers } from './handlers.js';
import { startCatalogRuntime, type CatalogRuntime } from './runtime.js';
import { seedDefaultCatalog } from './seed/default-catalog.js';

export interface RunningCatalog {
  runtime: CatalogRuntime;
  catalog: CatalogService;
  close(): Promise<void>;
}

/** The catalog service: modules, templates and instances, its actions over NATS (queue group `catalog`). */
export async function startCatalog(config: CatalogConfig, logger: Logger = createLogger('catalog', config.LOG_LEVEL)): Promise<RunningCatalog> {
  const runtime = await startCatalogRuntime(config, logger);
  try {
    const catalog = new CatalogService(runtime);
    await seedDefaultCatalog(catalog.modules, catalog.templates, logger);
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(CatalogModule, {
      strategy: new ActionServer({
        natsUrl: config.NATS_URL,
        rpcPrefix: config.RPC_SUBJECT_PREFIX,
        service: 'catalog',
        handlers: catalogHandlers(catalog),
        logger,
        serviceToken: config.PLATFORM_SERVICE_TOKEN,
      }),
      logger: new PinoNestLogger(logger),
    });
    await app.listen();
    return {
      runtime,
      catalog,
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
