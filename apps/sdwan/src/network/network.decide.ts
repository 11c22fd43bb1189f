import { PlatformError } from '@powernode/contracts';
import type { NewEvent } from '@powernode/eventstore';
import { canonicalAddress, contains } from '../address/address-plan.js';
import type { NetworkCommand, NewPeer } from './network.commands.js';
import type { NetworkState, PeerState } from './network.evolve.js';

/** A reported handshake is recorded only when it moved this much, so heartbeats do not flood the stream. */
export const HANDSHAKE_RECORD_STEP_MS = 60_000;

function optional<T>(key: string, value: T | undefined): Record<string, T> {
  return value === undefined ? {} : { [key]: value };
}

function peerOf(state: NetworkState, peerId: string, networkId: string): PeerState {
  const peer = state.peers.get(peerId);
  if (!peer) throw new PlatformError('NotFound', `no peer ${peerId} on network ${networkId}`, { network_id: networkId, peer_id: peerId });
  return peer;
}

/** The first candidate that is inside the network, not in use and not quarantined at `now`. */
function freeAddress(state: NetworkState, candidates: string[], now: string): string | undefined {
  const used = new Set([...state.peers.values()].map((p) => p.address));
  return candidates
    .map(canonicalAddress)
    .find((c) => contains(state.prefix, c) && !used.has(c) && !((state.quarantine.get(c) ?? '') > now));
}

function attached(networkId: string, peer: NewPeer, address: string): NewEvent {
  return {
    kind: 'system.sdwan.peer.attached',
    data: {
      network_id: networkId,
      peer_id: peer.peerId,
      role: peer.role,
      overlay_address: address,
      ...optional('node_instance_id', peer.nodeInstanceId),
      ...optional('grant_id', peer.grantId),
      ...optional('device_name', peer.deviceName),
      ...optional('public_key', peer.publicKey),
    },
  };
}

/**
 * Network decisions. Peers live in the network aggregate, so allocation is checked against every
 * peer of the network under the aggregate's optimistic concurrency: two attaches cannot take one
 * address. Attaching an instance that is attached already records nothing.
 */
export function decideNetwork(networkId: string) {
  const decide = (command: NetworkCommand, state: NetworkState): NewEvent[] => {
    if (command.type !== 'CreateNetwork' && !state.exists) {
      throw new PlatformError('NotFound', `no network ${networkId}`, { network_id: networkId });
    }
    switch (command.type) {
      case 'CreateNetwork': {
        if (state.exists) throw new PlatformError('Conflict', `network ${networkId} exists`, { network_id: networkId });
        const { name, prefix, owner, hubAddress, hubPublicKey } = command.data;
        return [
          { kind: 'system.sdwan.network.created', data: { network_id: networkId, name, prefix, owner } },
          attached(networkId, { peerId: 'hub', role: 'hub', ...optional('publicKey', hubPublicKey) }, hubAddress),
        ];
      }
      case 'AttachPeer': {
        const { peer, candidates, now } = command.data;
        const existing = [...state.peers.values()].find(
          (p) => (peer.nodeInstanceId !== undefined && p.nodeInstanceId === peer.nodeInstanceId) || (peer.grantId !== undefined && p.grantId === peer.grantId),
        );
        if (existing) return [];
        const address = freeAddress(state, candidates, now);
        if (!address) throw new PlatformError('Conflict', `no free address among the candidates on ${networkId}`, { network_id: networkId, reason: 'address_collision' });
        return [attached(networkId, peer, address)];
      }
      case 'DetachPeer': {
        const { peerId, now, quarantineSeconds, reason } = command.data;
        const peer = state.peers.get(peerId);
        if (!peer) return [];
        if (peer.role === 'hub') throw new PlatformError('IllegalState', 'the hub peer cannot be detached', { network_id: networkId });
        const until = new Date(Date.parse(now) + quarantineSeconds * 1000).toISOString();
        return [{ kind: 'system.sdwan.peer.detached', data: { network_id: networkId, peer_id: peerId, overlay_address: peer.address, quarantined_until: until, ...optional('reason', reason) } }];
      }
      case 'ReportKey': {
        const peer = peerOf(state, command.data.peerId, networkId);
        if (peer.publicKey === command.data.publicKey) return [];
        return [{ kind: 'system.sdwan.peer.key_reported', data: { network_id: networkId, peer_id: peer.peerId, public_key: command.data.publicKey } }];
      }
      case 'UpdateEndpoint': {
        const peer = peerOf(state, command.data.peerId, networkId);
        const { endpoint, latestHandshakeAt } = command.data;
        const endpointChanged = endpoint !== undefined && endpoint !== peer.endpoint;
        const handshakeMoved =
          latestHandshakeAt !== undefined &&
          (peer.latestHandshakeAt === undefined || Date.parse(latestHandshakeAt) - Date.parse(peer.latestHandshakeAt) >= HANDSHAKE_RECORD_STEP_MS);
        if (!endpointChanged && !handshakeMoved) return [];
        return [
          {
            kind: 'system.sdwan.peer.endpoint_updated',
            data: {
              network_id: networkId,
              peer_id: peer.peerId,
              ...optional('endpoint', endpointChanged ? endpoint : undefined),
              ...optional('latest_handshake_at', handshakeMoved ? latestHandshakeAt : undefined),
            },
          },
        ];
      }
      case 'ReportPeer': {
        // Key and endpoint touch different fields, so both decide on the same state. One commit: a peer
        // that learnt the key without the endpoint would wait for the next keepalive round to handshake.
        const { peerId, publicKey, endpoint, latestHandshakeAt } = command.data;
        return [
          ...decide({ type: 'ReportKey', data: { peerId, publicKey } }, state),
          ...decide({ type: 'UpdateEndpoint', data: { peerId, ...optional('endpoint', endpoint), ...optional('latestHandshakeAt', latestHandshakeAt) } }, state),
        ];
      }
      default: {
        const unreachable: never = command;
        throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
      }
    }
  };
  return decide;
}
