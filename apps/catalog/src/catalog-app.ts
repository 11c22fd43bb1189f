import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { ActionServer, Lease, PinoNestLogger, createLogger, type Logger } from '@powernode/service-kit';
import { CatalogModule } from './catalog.module.js';
import { CatalogService } from './catalog.service.js';
import type { CatalogConfig } from './config.js';
import { catalogHandlers } from './handlers.js';
import { startCatalogRuntime, type CatalogRuntime } from './runtime.js';
import { seedDefaultCatalog } from './seed/default-catalog.js';
import { LocalInstanceProvider } from './providers/index.js';
import { InstanceReconciler } from './provisioning/instance-reconciler.js';
import { resolve } from 'node:path';

export interface RunningCatalog {
  runtime: CatalogRuntime;
  catalog: CatalogService;
  /** Present with INSTANCE_PROVIDER=local. */
  reconciler?: InstanceReconciler;
  provider?: LocalInstanceProvider;
  close(): Promise<void>;
}

/** The catalog service: modules, templates and instances, its actions over NATS (queue group `catalog`). */
export async function startCatalog(config: CatalogConfig, logger: Logger = createLogger('catalog', config.LOG_LEVEL)): Promise<RunningCatalog> {
  const runtime = await startCatalogRuntime(config, logger);
  let lease: Lease | undefined;
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
    let provider: LocalInstanceProvider | undefined;
    let reconciler: InstanceReconciler | undefined;
    if (config.INSTANCE_PROVIDER === 'local') {
      const stateRoot = resolve(config.POWERNODE_STATE_DIR, 'instances');
      provider = new LocalInstanceProvider({
        stateRoot,
        namePrefix: config.INSTANCE_NAME_PREFIX,
        underlayIpv6Prefix: config.INSTANCE_UNDERLAY_IPV6_PREFIX,
        underlayIpv4Prefix: config.INSTANCE_UNDERLAY_IPV4_PREFIX,
        logger,
      });
      const local = provider;
      // One catalog replica at a time makes instances real (they are one set of namespaces and agents on this machine).
      lease = new Lease({ db: runtime.db, schema: config.DATABASE_SCHEMA, name: 'leader', logger });
      await lease.start();
      reconciler = new InstanceReconciler(
        runtime,
        catalog.instances,
        provider,
        {
          agentEntry: config.AGENT_ENTRY,
          platformPort: config.AGENT_PLATFORM_PORT,
          stateRoot,
          intervalMs: config.INSTANCE_RECONCILE_INTERVAL_S * 1000,
          // Kernel state outlives processes: namespaces of ours that no instance claims go first.
          prepare: async () => {
            await local.sweepLeftovers();
            await local.ensureGateway();
          },
        },
        logger,
        lease,
      );
      await reconciler.start();
    }
    return {
      runtime,
      catalog,
      reconciler,
      provider,
      close: async () => {
        // Nothing the local provider made outlives the platform: agents stop, namespaces go.
        await reconciler?.stop();
        await lease?.stop();
        await app.close();
        await runtime.close();
      },
    };
  } catch (error) {
    await lease?.stop();
    await runtime.close();
    throw error;
  }
}
