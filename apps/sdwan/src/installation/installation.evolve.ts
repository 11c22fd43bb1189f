import type { EventEnvelope } from '@powernode/contracts';

export interface InstallationState {
  /** The installation's ULA /48; empty until decided. */
  prefix: string;
  /** Allocated /64 → network id. */
  subnets: Map<string, string>;
  hub?: { publicKey: string; endpoint?: string };
}

export const initialInstallationState = (): InstallationState => ({ prefix: '', subnets: new Map() });

export function evolveInstallation(state: InstallationState, event: EventEnvelope): InstallationState {
  const data = event.data as Record<string, string>;
  switch (event.kind) {
    case 'system.sdwan.installation.prefix_decided':
      return { ...state, prefix: data.prefix! };
    case 'system.sdwan.installation.subnet_allocated':
      return { ...state, subnets: new Map(state.subnets).set(data.prefix!, data.network_id!) };
    case 'system.sdwan.installation.hub_reported':
      return { ...state, hub: { publicKey: data.public_key!, ...(data.endpoint === undefined ? {} : { endpoint: data.endpoint }) } };
    default:
      return state;
  }
}
