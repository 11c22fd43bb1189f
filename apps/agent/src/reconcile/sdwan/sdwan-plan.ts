import type { InterfaceStatus, WireguardInterfaceConfig } from '@powernode/wireguard';
import type { DesiredSdwanInterface } from './sdwan-desired.js';

export interface SdwanPlan {
  ensure: WireguardInterfaceConfig[];
  /** Interfaces this agent created earlier that are no longer desired. */
  remove: string[];
  /** What to track after this round: every desired name (tracked before it is created, so a crash cannot orphan it). */
  track: string[];
}

/** Desired interfaces → library configs (the agent's own namespace), and tracked-but-undesired → removals. */
export function planSdwan(desired: readonly DesiredSdwanInterface[], tracked: readonly string[], privateKey: string): SdwanPlan {
  const names = desired.map((i) => i.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new Error(`desired SDWAN interface ${duplicate} listed twice`);
  return {
    ensure: desired.map((i) => ({
      name: i.name,
      privateKey,
      listenPort: i.listen_port,
      address: i.address,
      peers: i.peers.map((p) => ({
        publicKey: p.public_key,
        allowedIps: p.allowed_ips,
        ...(p.endpoint === undefined ? {} : { endpoint: p.endpoint }),
        ...(p.persistent_keepalive === undefined ? {} : { persistentKeepalive: p.persistent_keepalive }),
      })),
    })),
    remove: tracked.filter((name) => !names.includes(name)),
    track: [...new Set(names)].sort(),
  };
}

export interface SdwanInterfaceFacts {
  name: string;
  network_id: string;
  listen_port: number;
  peers: { public_key: string; endpoint: string | null; latest_handshake: number | null }[];
}

/** The facts the platform reads for one interface: peers' endpoints and latest handshakes (epoch seconds). */
export function interfaceFacts(desired: DesiredSdwanInterface, status: InterfaceStatus): SdwanInterfaceFacts {
  return {
    name: desired.name,
    network_id: desired.network_id,
    listen_port: status.listenPort,
    peers: status.peers.map((p) => ({ public_key: p.publicKey, endpoint: p.endpoint, latest_handshake: p.latestHandshake })),
  };
}
