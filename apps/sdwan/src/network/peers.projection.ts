import type { z } from 'zod';
import type { PeerRole, sdwanEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';

export interface PeerRow extends Record<string, unknown> {
  id: string;
  network_id: string;
  role: PeerRole;
  overlay_address: string;
  node_instance_id?: string;
  grant_id?: string;
  device_name?: string;
  public_key?: string;
  endpoint?: string;
  latest_handshake_at?: string;
  attached_at: string;
  detached_at?: string;
}

/** Key of a peer row: the hub's id (`hub`) repeats across networks. */
export function peerKey(networkId: string, peerId: string): string {
  return `${networkId}/${peerId}`;
}

/** Peers of every network (detached ones stay, marked), for listing and desired state. */
export const peersProjection: Projection<PeerRow> = {
  name: 'peers',
  version: 1,
  canHandle: ['system.sdwan.peer.attached', 'system.sdwan.peer.detached', 'system.sdwan.peer.key_reported', 'system.sdwan.peer.endpoint_updated'],
  keyOf: (event) => peerKey(String(event.data.network_id), String(event.data.peer_id)),
  evolve: (row, event) => {
    switch (event.kind) {
      case 'system.sdwan.peer.attached': {
        const d = event.data as z.infer<typeof sdwanEvents.peerAttached>;
        return {
          id: d.peer_id,
          network_id: d.network_id,
          role: d.role,
          overlay_address: d.overlay_address,
          ...(d.node_instance_id === undefined ? {} : { node_instance_id: d.node_instance_id }),
          ...(d.grant_id === undefined ? {} : { grant_id: d.grant_id }),
          ...(d.device_name === undefined ? {} : { device_name: d.device_name }),
          ...(d.public_key === undefined ? {} : { public_key: d.public_key }),
          attached_at: event.occurred_at,
        };
      }
      case 'system.sdwan.peer.detached':
        return row && { ...row, detached_at: event.occurred_at };
      case 'system.sdwan.peer.key_reported':
        return row && { ...row, public_key: String(event.data.public_key) };
      case 'system.sdwan.peer.endpoint_updated': {
        const d = event.data as z.infer<typeof sdwanEvents.peerEndpointUpdated>;
        return (
          row && {
            ...row,
            ...(d.endpoint === undefined ? {} : { endpoint: d.endpoint }),
            ...(d.latest_handshake_at === undefined ? {} : { latest_handshake_at: d.latest_handshake_at }),
          }
        );
      }
      default:
        return row;
    }
  },
};
