import type { EventEnvelope, InstanceStatus } from '@powernode/contracts';

export interface InstanceState {
  exists: boolean;
  status: InstanceStatus;
}

export const initialInstanceState = (): InstanceState => ({ exists: false, status: 'provisioning' });

/** Instance status: provisioning → running (agent enrolled) → online/offline → decommissioned (final). */
export function evolveInstance(state: InstanceState, event: EventEnvelope): InstanceState {
  if (state.status === 'decommissioned') return state;
  switch (event.kind) {
    case 'system.catalog.instance.provisioned':
      return { exists: true, status: 'provisioning' };
    case 'system.catalog.instance.enrolled':
      return { ...state, status: 'running' };
    case 'system.catalog.instance.online':
      return { ...state, status: 'online' };
    case 'system.catalog.instance.offline':
      return { ...state, status: 'offline' };
    case 'system.catalog.instance.decommissioned':
      return { ...state, status: 'decommissioned' };
    default:
      return state;
  }
}
