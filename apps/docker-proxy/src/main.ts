import 'reflect-metadata';
import { runService } from '@powernode/service-kit';
import { loadDockerProxyConfig } from './config.js';
import { startDockerProxy } from './docker-proxy-app.js';
import { startPlatformRegistry } from './registry/platform-registry.js';

runService('docker-proxy', loadDockerProxyConfig, async (config, logger) => {
  const proxy = await startDockerProxy(config, logger, { startRegistry: startPlatformRegistry });
  logger.info({ registry: proxy.registry?.status().url ?? null }, 'docker-proxy ready');
  return proxy;
});
