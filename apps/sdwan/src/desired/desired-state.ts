import { createHash } from 'node:crypto';
import type { PeerRow } from '../network/peers.projection.js';

export const PERSISTENT_KEEPALIVE = 25;
export const BASE_LISTEN_PORT = 51820;

export interface WgPeer {
  public_key: string;
  allowed_ips: string[];
  endpoint?: string;
  persistent_keepalive: number;
}

export interface WgInterface {
  name: string;
  network_id: string;
  address: string;
  listen_port: number;
  peers: WgPeer[];
}

export interface DesiredSdwan {
  interfaces: WgInterface[];
}

/** A network and its attached peers, in network creation order. */
export interface NetworkPeers {
  network: { id: string; created_at: string };
  peers: PeerRow[];
}

/**
 * The interface's name on the machine (at most 15 characters). Every wireguard-go on a machine shares one
 * `/var/run/wireguard`, and local instances share the machine, so a node's name is per peer (network and
 * instance): `pn-` + 12 hex of a hash of both. The hub has one per network: `pn-<network 8 hex>` (shorter, so
 * never equal to a node's).
 */
export function interfaceName(networkId: string, peerId: string): string {
  if (peerId === 'hub') return `pn-${networkId.replace(/^net-/, '')}`;
  return `pn-${createHash('sha256').update(`${networkId}/${peerId}`).digest('hex').slice(0, 12)}`;
}

function live(peers: PeerRow[]): PeerRow[] {
  return peers.filter((p) => p.detached_at === undefined);
}

/** Every other keyed peer of the same network, each allowed exactly its own /128. */
function peersFor(self: PeerRow, peers: PeerRow[]): WgPeer[] {
  return live(peers)
    .filter((p) => p.id !== self.id && p.public_key !== undefined)
    .sort((a, b) => a.overlay_address.localeCompare(b.overlay_address))
    .map((p) => ({
      public_key: p.public_key!,
      allowed_ips: [`${p.overlay_address}/128`],
      ...(p.endpoint === undefined ? {} : { endpoint: p.endpoint }),
      persistent_keepalive: PERSISTENT_KEEPALIVE,
    }));
}

function byCreation(networks: NetworkPeers[]): NetworkPeers[] {
  return [...networks].sort((a, b) => a.network.created_at.localeCompare(b.network.created_at) || a.network.id.localeCompare(b.network.id));
}

/**
 * An instance's SDWAN interfaces: one per network it is attached to, with the peers of that network
 * only (never another network's). Listen ports count up from 51820 in network creation order.
 */
export function desiredForInstance(instanceId: string, networks: NetworkPeers[]): DesiredSdwan {
  return interfacesAs((peers) => peers.find((p) => p.role === 'node' && p.node_instance_id === instanceId), networks, BASE_LISTEN_PORT);
}

/** The hub's interfaces: one per network, with every keyed node and device peer of it. */
export function desiredForHub(networks: NetworkPeers[], basePort = BASE_LISTEN_PORT): DesiredSdwan {
  return interfacesAs((peers) => peers.find((p) => p.role === 'hub'), networks, basePort);
}

/** One interface per network in which `self` finds this machine's peer; ports count up in creation order. */
function interfacesAs(self: (peers: ReturnType<typeof live>) => ReturnType<typeof live>[number] | undefined, networks: NetworkPeers[], basePort: number): DesiredSdwan {
  const interfaces: WgInterface[] = [];
  for (const { network, peers } of byCreation(networks)) {
    const me = self(live(peers));
    if (!me) continue;
    interfaces.push({
      name: interfaceName(network.id, me.id),
      network_id: network.id,
      address: `${me.overlay_address}/128`,
      listen_port: basePort + interfaces.length,
      peers: peersFor(me, peers),
    });
  }
  return { interfaces };
}

/** The hub's endpoint in the network at `index` (creation order): its reported host, port counted up like its listen ports. */
export function hubEndpointFor(reported: string, index: number): string {
  const match = /^(.*):(\d+)$/.exec(reported);
  if (!match) return reported;
  return `${match[1]}:${Number(match[2]) + index}`;
}

/** The base listen port the hub reported (its first network's), or the default. */
export function hubBasePort(reported: string | undefined): number {
  const match = reported === undefined ? null : /:(\d+)$/.exec(reported);
  return match ? Number(match[1]) : BASE_LISTEN_PORT;
}
