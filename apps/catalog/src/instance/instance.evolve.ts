import type { EventEnvelope, InstanceStatus } from '@powernode/contracts';

export interface InstanceState {
  exists: boolean;
  status: InstanceStatus;
  /** The newest heartbeat an online/offline event was based on: older transitions are stale. */
  lastHeartbeatAt: string | null;
}

export const initialInstanceState = (): InstanceState => ({ exists: false, status: 'provisioning', lastHeartbeatAt: null });

function newer(current: string | null, candidate: unknown): string | null {
  if (typeof candidate !== 'string') return current;
  return current === null || Date.parse(candidate) > Date.parse(current) ? candidate : current;
}

/** Instance status: provisioning → running (agent enrolled) → online/offline → decommissioned (final). */
export function evolveInstance(state: InstanceState, event: EventEnvelope): InstanceState {
  if (state.status === 'decommissioned') return state;
  switch (event.kind) {
    case 'system.catalog.instance.provisioned':
      return { exists: true, status: 'provisioning', lastHeartbeatAt: null };
    case 'system.catalog.instance.enrolled':
      return { ...state, status: 'running' };
    case 'system.catalog.instance.online':
      return { ...state, status: 'online', lastHeartbeatAt: newer(state.lastHeartbeatAt, event.data.last_heartbeat_at) };
    case 'system.catalog.instance.offline':
      return { ...state, status: 'offline', lastHeartbeatAt: newer(state.lastHeartbeatAt, event.data.last_heartbeat_at) };
    case 'system.catalog.instance.decommissioned':
      return { ...state, status: 'decommissioned' };
    default:
      return state;
  }
}
