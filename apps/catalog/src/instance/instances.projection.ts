import type { z } from 'zod';
import type { InstanceProvider, InstanceStatus, catalogEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';

/** The tutorial's instance shape: `node_template_id` is the template it was provisioned from. */
export interface InstanceRow extends Record<string, unknown> {
  id: string;
  name: string;
  node_template_id: string;
  status: InstanceStatus;
  provider: InstanceProvider;
  created_at: string;
  updated_at: string;
  enrolled_at?: string;
  last_heartbeat_at?: string;
  decommissioned_at?: string;
}

/** NodeInstances and their status, for system_get_instance and system_list_instances. */
export const instancesProjection: Projection<InstanceRow> = {
  name: 'instances',
  version: 1,
  canHandle: [
    'system.catalog.instance.provisioned',
    'system.catalog.instance.enrolled',
    'system.catalog.instance.online',
    'system.catalog.instance.offline',
    'system.catalog.instance.decommissioned',
  ],
  keyOf: (event) => String(event.data.instance_id),
  evolve: (row, event) => {
    if (event.kind === 'system.catalog.instance.provisioned') {
      const d = event.data as z.infer<typeof catalogEvents.instanceProvisioned>;
      return {
        id: d.instance_id,
        name: d.name,
        node_template_id: d.template_id,
        status: 'provisioning',
        provider: d.provider,
        created_at: event.occurred_at,
        updated_at: event.occurred_at,
      };
    }
    // Decommissioned is final: a late heartbeat event does not bring an instance back.
    if (!row || row.status === 'decommissioned') return row;
    const updated = { ...row, updated_at: event.occurred_at };
    switch (event.kind) {
      case 'system.catalog.instance.enrolled':
        return { ...updated, status: 'running', enrolled_at: event.occurred_at };
      case 'system.catalog.instance.online':
        return { ...updated, status: 'online', last_heartbeat_at: String(event.data.last_heartbeat_at) };
      case 'system.catalog.instance.offline': {
        const last = event.data.last_heartbeat_at;
        return { ...updated, status: 'offline', ...(typeof last === 'string' ? { last_heartbeat_at: last } : {}) };
      }
      case 'system.catalog.instance.decommissioned':
        return { ...updated, status: 'decommissioned', decommissioned_at: event.occurred_at };
      default:
        return row;
    }
  },
};
