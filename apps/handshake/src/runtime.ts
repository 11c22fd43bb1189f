import type { Logger } from '@powernode/service-kit';
import { ServiceRuntime } from '@powernode/service-runtime';
import type { HandshakeConfig } from './config.js';
import { desiredInstancesProjection, desiredModulesProjection, desiredTemplatesProjection } from './desired/catalog-views.projection.js';
import { HandshakeStorage1764000200000 } from './handshake.migration.js';

export const HANDSHAKE_VERSION = '0.1.0';

const handshakeProjections = () => ({ instances: desiredInstancesProjection, templates: desiredTemplatesProjection, modules: desiredModulesProjection });

export type HandshakeRuntime = ServiceRuntime<ReturnType<typeof handshakeProjections>> & { readonly config: HandshakeConfig };

export async function startHandshakeRuntime(config: HandshakeConfig, logger: Logger): Promise<HandshakeRuntime> {
  const runtime = await ServiceRuntime.start({
    service: 'handshake',
    version: HANDSHAKE_VERSION,
    config,
    logger,
    migrations: [HandshakeStorage1764000200000],
    projections: handshakeProjections(),
  });
  return runtime as HandshakeRuntime;
}
