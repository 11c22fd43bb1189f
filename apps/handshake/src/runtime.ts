import type { Logger } from '@powernode/service-kit';
import { ServiceRuntime } from '@powernode/service-runtime';
import { revokedCertificatesProjection } from './agent/revoked-certificates.projection.js';
import type { HandshakeConfig } from './config.js';
import { desiredInstancesProjection, desiredModulesProjection, desiredTemplatesProjection } from './desired/catalog-views.projection.js';
import { HandshakeDockerCertificates1766000000000 } from './docker/docker.migration.js';
import { directDockerProjection } from './docker/projections/direct-docker.projection.js';
import { dockerHostsProjection } from '@powernode/docker-host';
import { dockerModulesProjection } from './docker/projections/docker-modules.projection.js';
import { HandshakeStorage1764000200000, HandshakeTokenKey1768000000000 } from './handshake.migration.js';

export const HANDSHAKE_VERSION = '0.1.0';

export const handshakeProjections = () => ({
  instances: desiredInstancesProjection,
  templates: desiredTemplatesProjection,
  modules: desiredModulesProjection,
  directDocker: directDockerProjection,
  dockerModules: dockerModulesProjection,
  dockerHosts: dockerHostsProjection,
  revokedCertificates: revokedCertificatesProjection,
});

export type HandshakeRuntime = ServiceRuntime<ReturnType<typeof handshakeProjections>> & { readonly config: HandshakeConfig };

export async function startHandshakeRuntime(config: HandshakeConfig, logger: Logger): Promise<HandshakeRuntime> {
  const runtime = await ServiceRuntime.start({
    service: 'handshake',
    version: HANDSHAKE_VERSION,
    config,
    logger,
    migrations: [HandshakeStorage1764000200000, HandshakeDockerCertificates1766000000000, HandshakeTokenKey1768000000000],
    projections: handshakeProjections(),
  });
  return runtime as HandshakeRuntime;
}
