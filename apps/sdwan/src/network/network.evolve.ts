import type { EventEnvelope, PeerRole } from '@powernode/contracts';

export interface PeerState {
  peerId: string;
  role: PeerRole;
  address: string;
  nodeInstanceId?: string;
  grantId?: string;
  publicKey?: string;
  endpoint?: string;
  latestHandshakeAt?: string;
}

export interface NetworkState {
  exists: boolean;
  name: string;
  prefix: string;
  owner: string;
  /** Attached peers by id (detached ones leave). */
  peers: Map<string, PeerState>;
  /** Detached addresses → when they may be reused (ISO time). */
  quarantine: Map<string, string>;
}

export const initialNetworkState = (): NetworkState => ({ exists: false, name: '', prefix: '', owner: '', peers: new Map(), quarantine: new Map() });

function withPeer(state: NetworkState, peerId: string, change: (p: PeerState) => PeerState): NetworkState {
  const peer = state.peers.get(peerId);
  return peer ? { ...state, peers: new Map(state.peers).set(peerId, change(peer)) } : state;
}

export function evolveNetwork(state: NetworkState, event: EventEnvelope): NetworkState {
  const d = event.data as Record<string, string>;
  switch (event.kind) {
    case 'system.sdwan.network.created':
      return { ...state, exists: true, name: d.name!, prefix: d.prefix!, owner: d.owner! };
    case 'system.sdwan.peer.attached': {
      const peer: PeerState = { peerId: d.peer_id!, role: d.role as PeerRole, address: d.overlay_address! };
      for (const [key, field] of [['node_instance_id', 'nodeInstanceId'], ['grant_id', 'grantId'], ['public_key', 'publicKey']] as const) {
        if (d[key] !== undefined) peer[field] = d[key];
      }
      return { ...state, peers: new Map(state.peers).set(peer.peerId, peer) };
    }
    case 'system.sdwan.peer.detached': {
      const peers = new Map(state.peers);
      peers.delete(d.peer_id!);
      return { ...state, peers, quarantine: new Map(state.quarantine).set(d.overlay_address!, d.quarantined_until!) };
    }
    case 'system.sdwan.peer.key_reported':
      return withPeer(state, d.peer_id!, (p) => ({ ...p, publicKey: d.public_key! }));
    case 'system.sdwan.peer.endpoint_updated':
      return withPeer(state, d.peer_id!, (p) => ({
        ...p,
        ...(d.endpoint === undefined ? {} : { endpoint: d.endpoint }),
        ...(d.latest_handshake_at === undefined ? {} : { latestHandshakeAt: d.latest_handshake_at }),
      }));
    default:
      return state;
  }
}
