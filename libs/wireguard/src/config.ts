import { canonicalEndpoint, canonicalPrefix } from './addresses.js';
import type { WireguardStatus } from './dump.js';
import { isWireguardKey } from './keys.js';

export interface WireguardPeerConfig {
  publicKey: string;
  allowedIps: string[];
  /** `host:port` or `[v6]:port`. */
  endpoint?: string;
  /** Seconds; 0 or absent is off. */
  persistentKeepalive?: number;
}

export interface WireguardInterfaceConfig {
  /** Interface name, at most 15 characters, unique on the machine (all namespaces share /var/run/wireguard). */
  name: string;
  /** Named network namespace (`/var/run/netns/<netns>`); absent means the caller's own namespace. */
  netns?: string;
  privateKey: string;
  listenPort: number;
  /** The interface's own overlay address, e.g. `fd77:aaaa::1/128`. */
  address: string;
  peers: WireguardPeerConfig[];
}

const INTERFACE_NAME = /^[A-Za-z0-9_=+.-]{1,15}$/;

/** Throws naming the first bad field; returns the config with addresses and endpoints canonical. */
export function normalizeConfig(config: WireguardInterfaceConfig): WireguardInterfaceConfig {
  assertInterfaceName(config.name);
  if (!isWireguardKey(config.privateKey)) throw new Error(`${config.name}: privateKey is not a WireGuard key`);
  if (!Number.isInteger(config.listenPort) || config.listenPort < 1 || config.listenPort > 65535) throw new Error(`${config.name}: listenPort must be 1..65535`);
  const seen = new Set<string>();
  const peers = config.peers.map((peer) => {
    if (!isWireguardKey(peer.publicKey)) throw new Error(`${config.name}: peer public key "${peer.publicKey}" is not a WireGuard key`);
    if (seen.has(peer.publicKey)) throw new Error(`${config.name}: peer ${peer.publicKey} listed twice`);
    seen.add(peer.publicKey);
    const keepalive = peer.persistentKeepalive ?? 0;
    if (!Number.isInteger(keepalive) || keepalive < 0 || keepalive > 65535) throw new Error(`${config.name}: persistentKeepalive must be 0..65535`);
    return {
      publicKey: peer.publicKey,
      allowedIps: [...new Set(peer.allowedIps.map(canonicalPrefix))].sort(),
      ...(peer.endpoint === undefined ? {} : { endpoint: canonicalEndpoint(peer.endpoint) }),
      ...(keepalive === 0 ? {} : { persistentKeepalive: keepalive }),
    };
  });
  return { ...config, address: canonicalPrefix(config.address), peers };
}

export function assertInterfaceName(name: string): void {
  if (!INTERFACE_NAME.test(name)) throw new Error(`invalid interface name "${name}" (1-15 of A-Z a-z 0-9 _ = + . -)`);
}

/**
 * The `wg set` arguments (after the device name) that take `current` to `desired`, except the private key,
 * which the caller passes as a file; empty when nothing differs. Peers not desired are removed.
 */
export function planWgSet(current: WireguardStatus, desired: WireguardInterfaceConfig): string[] {
  const args: string[] = [];
  if (current.listenPort !== desired.listenPort) args.push('listen-port', String(desired.listenPort));
  const existing = new Map(current.peers.map((peer) => [peer.publicKey, peer]));
  for (const peer of desired.peers) {
    const have = existing.get(peer.publicKey);
    const peerArgs: string[] = [];
    const allowed = peer.allowedIps.join(',');
    if (have === undefined || [...have.allowedIps].map(canonicalPrefix).sort().join(',') !== allowed) peerArgs.push('allowed-ips', allowed);
    // A peer without a configured endpoint keeps whatever it roamed to.
    if (peer.endpoint !== undefined && (have === undefined || have.endpoint !== peer.endpoint)) peerArgs.push('endpoint', peer.endpoint);
    const keepalive = peer.persistentKeepalive ?? null;
    if (have === undefined ? keepalive !== null : have.persistentKeepalive !== keepalive) peerArgs.push('persistent-keepalive', keepalive === null ? 'off' : String(keepalive));
    if (peerArgs.length > 0) args.push('peer', peer.publicKey, ...peerArgs);
  }
  const wanted = new Set(desired.peers.map((peer) => peer.publicKey));
  for (const peer of current.peers) if (!wanted.has(peer.publicKey)) args.push('peer', peer.publicKey, 'remove');
  return args;
}

/** Routes (canonical prefixes) the interface should carry: every allowed IP of every peer. */
export function desiredRoutes(desired: WireguardInterfaceConfig): string[] {
  return [...new Set(desired.peers.flatMap((peer) => peer.allowedIps))].sort();
}
