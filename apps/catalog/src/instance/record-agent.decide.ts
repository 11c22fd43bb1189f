import type { NewEvent } from '@powernode/eventstore';
import type { AgentRecord } from './instance.commands.js';
import type { InstanceState } from './instance.evolve.js';

const at = (iso: string | null) => (iso === null ? -Infinity : Date.parse(iso));

/**
 * Agent facts from the handshake service. Only transitions are recorded: online while online, offline while not
 * online, and transitions based on an older heartbeat than one already recorded (a replica racing another) are no-ops.
 * A decommissioned instance records nothing.
 */
export function decideRecordAgent(instanceId: string, record: AgentRecord, state: InstanceState): NewEvent[] {
  if (state.status === 'decommissioned') return [];
  switch (record.event) {
    case 'enrolled':
      return [
        {
          kind: 'system.catalog.instance.enrolled',
          data: { instance_id: instanceId, certificate_serial: record.certificateSerial, ...(record.agentVersion === undefined ? {} : { agent_version: record.agentVersion }) },
        },
      ];
    case 'online':
      if (state.status === 'online') return [];
      if (state.status === 'offline' && at(record.lastHeartbeatAt) <= at(state.lastHeartbeatAt)) return [];
      return [{ kind: 'system.catalog.instance.online', data: { instance_id: instanceId, last_heartbeat_at: record.lastHeartbeatAt } }];
    case 'offline':
      if (state.status !== 'online') return [];
      if (at(record.lastHeartbeatAt) < at(state.lastHeartbeatAt)) return [];
      return [{ kind: 'system.catalog.instance.offline', data: { instance_id: instanceId, last_heartbeat_at: record.lastHeartbeatAt } }];
    default: {
      const unreachable: never = record;
      throw new Error(`unknown agent record ${JSON.stringify(unreachable)}`);
    }
  }
}
