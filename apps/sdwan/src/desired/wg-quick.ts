import { generateKeyPairSync } from 'node:crypto';
import type { WgPeer } from './desired-state.js';

/** An X25519 key pair as WireGuard writes keys: raw 32 bytes, base64. */
export function wireguardKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  // JWK `d` and `x` are the raw scalar and point, base64url.
  const jwk = privateKey.export({ format: 'jwk' });
  const pub = publicKey.export({ format: 'jwk' });
  return { privateKey: Buffer.from(jwk.d!, 'base64url').toString('base64'), publicKey: Buffer.from(pub.x!, 'base64url').toString('base64') };
}

/** Whether `key` is a WireGuard key: exactly 32 bytes of standard base64. */
export function isWireguardKey(key: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(key) && Buffer.from(key, 'base64').length === 32;
}

/** A wg-quick configuration for a device: its /128 and private key, one [Peer] per hub and node of its network. */
export function renderWgQuick(device: { address: string; privateKey: string; comment?: string }, peers: WgPeer[]): string {
  const lines = [
    ...(device.comment === undefined ? [] : [`# ${device.comment}`]),
    '[Interface]',
    `Address = ${device.address}/128`,
    `PrivateKey = ${device.privateKey}`,
  ];
  for (const peer of peers) {
    lines.push('', '[Peer]', `PublicKey = ${peer.public_key}`, `AllowedIPs = ${peer.allowed_ips.join(', ')}`);
    if (peer.endpoint !== undefined) lines.push(`Endpoint = ${peer.endpoint}`);
    lines.push(`PersistentKeepalive = ${peer.persistent_keepalive}`);
  }
  return `${lines.join('\n')}\n`;
}
