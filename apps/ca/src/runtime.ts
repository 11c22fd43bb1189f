import type { Logger } from '@powernode/service-kit';
import { ServiceRuntime } from '@powernode/service-runtime';
import { LocalCaStorage1764000100000 } from './adapters/local/local-ca.migration.js';
import { certificatesProjection } from './certificate/certificates.projection.js';
import type { CaConfig } from './config.js';

export const CA_VERSION = '0.1.0';

export const caProjections = () => ({ certificates: certificatesProjection });

export type CaRuntime = ServiceRuntime<ReturnType<typeof caProjections>> & { readonly config: CaConfig };

export async function startCaRuntime(config: CaConfig, logger: Logger): Promise<CaRuntime> {
  const runtime = await ServiceRuntime.start({
    service: 'ca',
    version: CA_VERSION,
    config,
    logger,
    migrations: [LocalCaStorage1764000100000],
    projections: caProjections(),
  });
  return runtime as CaRuntime;
}
