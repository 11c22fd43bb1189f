import type { z } from 'zod';
import type { sdwanEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';
import { hubAddress } from '../address/address-plan.js';

export interface NetworkRow extends Record<string, unknown> {
  id: string;
  name: string;
  prefix: string;
  owner: string;
  hub_address: string;
  created_at: string;
}

/** SDWAN networks, for system_sdwan_list_networks and ownership checks. */
export const networksProjection: Projection<NetworkRow> = {
  name: 'networks',
  version: 1,
  canHandle: ['system.sdwan.network.created'],
  keyOf: (event) => String(event.data.network_id),
  evolve: (_row, event) => {
    const d = event.data as z.infer<typeof sdwanEvents.networkCreated>;
    return { id: d.network_id, name: d.name, prefix: d.prefix, owner: d.owner, hub_address: hubAddress(d.prefix), created_at: event.occurred_at };
  },
};
