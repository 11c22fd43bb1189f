import { dockerHostsProjection } from '@powernode/docker-host';
import type { Logger } from '@powernode/service-kit';
import { ServiceRuntime } from '@powernode/service-runtime';
import type { DockerProxyConfig } from './config.js';
import { DockerProxyRegistryStatus1767000000001, DockerProxySnapshots1767000000000 } from './docker-proxy.migration.js';

export const DOCKER_PROXY_VERSION = '0.1.0';

export const dockerProxyProjections = () => ({ dockerHosts: dockerHostsProjection });

export type DockerProxyRuntime = ServiceRuntime<ReturnType<typeof dockerProxyProjections>> & { readonly config: DockerProxyConfig };

export async function startDockerProxyRuntime(config: DockerProxyConfig, logger: Logger): Promise<DockerProxyRuntime> {
  const runtime = await ServiceRuntime.start({
    service: 'docker-proxy',
    version: DOCKER_PROXY_VERSION,
    config,
    logger,
    migrations: [DockerProxySnapshots1767000000000, DockerProxyRegistryStatus1767000000001],
    projections: dockerProxyProjections(),
  });
  return runtime as DockerProxyRuntime;
}
