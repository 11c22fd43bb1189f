import type { Logger } from '@powernode/service-kit';
import { ServiceRuntime } from '@powernode/service-runtime';
import { grantsProjection } from './access-grant/grants.projection.js';
import type { SdwanConfig } from './config.js';
import { networksProjection } from './network/networks.projection.js';
import { peersProjection } from './network/peers.projection.js';

export const SDWAN_VERSION = '0.1.0';

export const sdwanProjections = () => ({ networks: networksProjection, peers: peersProjection, grants: grantsProjection });

export type SdwanRuntime = ServiceRuntime<ReturnType<typeof sdwanProjections>> & { readonly config: SdwanConfig };

export async function startSdwanRuntime(config: SdwanConfig, logger: Logger): Promise<SdwanRuntime> {
  const runtime = await ServiceRuntime.start({ service: 'sdwan', version: SDWAN_VERSION, config, logger, projections: sdwanProjections() });
  return runtime as SdwanRuntime;
}
