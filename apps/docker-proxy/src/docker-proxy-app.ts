import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { DockerHosts, PlatformDockerClient } from '@powernode/docker-host';
import { ActionServer, Lease, PinoNestLogger, createLogger, type ActionHandler, type Logger } from '@powernode/service-kit';
import type { DockerProxyConfig } from './config.js';
import { DaemonPool } from './connections/daemon-pool.js';
import { DockerProxyModule } from './docker-proxy.module.js';
import { dockerProxyHandlers } from './handlers.js';
import { HealthBook } from './health/health-book.js';
import { HealthMonitor } from './health/health-monitor.js';
import { HostActions } from './hosts/host-actions.js';
import { HostDirectory } from './hosts/host-directory.js';
import { HostSnapshots } from './hosts/host-snapshots.js';
import { DockerOperations } from './operations/docker-operations.service.js';
import { noRegistryHandlers } from './registry/platform-registry.js';
import { startDockerProxyRuntime, type DockerProxyRuntime } from './runtime.js';

/** What the platform registry exposes to the app (registry/ implements it). */
export interface RegistryHandle {
  status(): { url: string; address: string; ready: boolean; images: string[]; error?: string };
  handlers(): [string, ActionHandler][];
  stop(): Promise<void>;
}

export interface RunningDockerProxy {
  runtime: DockerProxyRuntime;
  health: HealthMonitor;
  /** Held by one replica at a time: that one probes daemons and serves the platform registry. */
  lease: Lease;
  pool: DaemonPool;
  registry?: RegistryHandle;
  close(): Promise<void>;
}

export interface DockerProxyExtras {
  /** Starts the platform image registry (when PLATFORM_REGISTRY_ADDR is set), served while `lease` is held. */
  startRegistry?: (runtime: DockerProxyRuntime, lease: Lease) => Promise<RegistryHandle | undefined>;
}

/** The docker-proxy service: DockerHost read model, health probes, docker_* actions over mTLS. */
export async function startDockerProxy(
  config: DockerProxyConfig,
  logger: Logger = createLogger('docker-proxy', config.LOG_LEVEL),
  extras: DockerProxyExtras = {},
): Promise<RunningDockerProxy> {
  const runtime = await startDockerProxyRuntime(config, logger);
  const stops: (() => Promise<void> | void)[] = [() => runtime.close()];
  const close = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const lease = new Lease({ db: runtime.db, schema: config.DATABASE_SCHEMA, name: 'leader', logger });
    await lease.start();
    // Released after the health rounds and the registry stopped (stops run in reverse), so a standby takes over at once.
    stops.push(() => lease.stop());
    const book = new HealthBook();
    const directory = new HostDirectory(runtime, book);
    const hosts = new DockerHosts(runtime);
    const pool = new DaemonPool(new PlatformDockerClient(runtime.rpc, logger, 'docker-proxy'), config.DOCKER_REQUEST_TIMEOUT_MS);
    stops.push(() => pool.close());
    const health = new HealthMonitor(directory, hosts, pool, book, { intervalMs: config.DOCKER_PROBE_INTERVAL_S * 1000, timeoutMs: config.DOCKER_PROBE_TIMEOUT_MS, errorAfter: config.DOCKER_ERROR_AFTER }, logger, () => lease.isHeld());
    const operations = new DockerOperations(directory, pool, hosts, config.DOCKER_REQUEST_TIMEOUT_MS, logger);
    const hostActions = new HostActions(directory, new HostSnapshots(runtime), health, operations);
    const registry = extras.startRegistry ? await extras.startRegistry(runtime, lease) : undefined;
    if (registry) stops.push(() => registry.stop());
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(DockerProxyModule, {
      strategy: new ActionServer({
        natsUrl: config.NATS_URL,
        rpcPrefix: config.RPC_SUBJECT_PREFIX,
        service: 'docker-proxy',
        handlers: [...dockerProxyHandlers(hostActions, operations), ...(registry?.handlers() ?? noRegistryHandlers())],
        logger,
        serviceToken: config.PLATFORM_SERVICE_TOKEN,
      }),
      logger: new PinoNestLogger(logger),
    });
    await app.listen();
    stops.push(() => app.close());
    health.start();
    stops.push(() => health.stop());
    return { runtime, health, lease, pool, ...(registry ? { registry } : {}), close };
  } catch (error) {
    await close();
    throw error;
  }
}
