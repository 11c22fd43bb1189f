import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';

export interface WireguardKeyPair {
  /** base64 of the raw 32-byte X25519 private key (clamped, as `wg genkey` writes it). */
  privateKey: string;
  /** base64 of the raw 32-byte X25519 public key. */
  publicKey: string;
}

// DER prefix of a PKCS#8 X25519 private key; the raw 32 bytes follow.
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const KEY_PATTERN = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw480]=$/;

/** True for a base64 WireGuard key (exactly 32 bytes). */
export function isWireguardKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** A fresh X25519 key pair in WireGuard's base64 form. */
export function generateWireguardKeyPair(): WireguardKeyPair {
  const raw = randomBytes(32);
  // Clamp like `wg genkey`, so the stored key is canonical (X25519 clamps anyway when it computes).
  raw[0]! &= 248;
  raw[31]! &= 127;
  raw[31]! |= 64;
  const privateKey = raw.toString('base64');
  return { privateKey, publicKey: wireguardPublicKey(privateKey) };
}

/** The public key of a base64 WireGuard private key. */
export function wireguardPublicKey(privateKey: string): string {
  if (!isWireguardKey(privateKey)) throw new Error('not a WireGuard private key (base64 of 32 bytes)');
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, Buffer.from(privateKey, 'base64')]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('X25519 public key export failed');
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}
