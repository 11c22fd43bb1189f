import { platformEventRegistry } from '@powernode/contracts';
import type { Logger } from '@powernode/service-kit';
import { ServiceRuntime } from '@powernode/service-runtime';
import type { GatewayConfig } from './config.js';
import { eventLogProjection } from './events/event-log.projection.js';
import { operatorAccountsProjection } from './identity/projections/operator-accounts.projection.js';
import { operatorTokensProjection } from './identity/projections/operator-tokens.projection.js';

export const GATEWAY_VERSION = '0.1.0';

function gatewayProjections() {
  return {
    eventLog: eventLogProjection(platformEventRegistry().list()),
    accounts: operatorAccountsProjection,
    tokens: operatorTokensProjection,
  };
}

export type GatewayRuntime = ServiceRuntime<ReturnType<typeof gatewayProjections>> & { readonly config: GatewayConfig };

/** The gateway's connections and projections: opened once at boot, closed once at shutdown. */
export async function startGatewayRuntime(config: GatewayConfig, logger: Logger): Promise<GatewayRuntime> {
  const runtime = await ServiceRuntime.start({ service: 'gateway', version: GATEWAY_VERSION, config, logger, projections: gatewayProjections() });
  return runtime as GatewayRuntime;
}
