import { webcrypto, type KeyObject } from 'node:crypto';
import { PlatformError } from '@powernode/contracts';

export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** The only key types the platform issues for or accepts. */
export type KeyAlgorithm = 'Ed25519' | 'ECDSA-P256';

export const subtle = webcrypto.subtle;

/** WebCrypto parameters to generate or import a key of `algorithm`. */
export function keyParams(algorithm: KeyAlgorithm): webcrypto.EcKeyImportParams | webcrypto.Algorithm {
  return algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
}

/** WebCrypto signing parameters for a key of `algorithm` (ECDSA always with SHA-256). */
export function signingParams(algorithm: KeyAlgorithm): webcrypto.EcdsaParams | webcrypto.Algorithm {
  return algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
}

/** The algorithm of a WebCrypto key; UnsupportedKey for anything but Ed25519 and ECDSA P-256. */
export function algorithmOfKey(key: CryptoKey): KeyAlgorithm {
  const algorithm = key.algorithm as webcrypto.KeyAlgorithm & { namedCurve?: string };
  if (algorithm.name === 'Ed25519') return 'Ed25519';
  if (algorithm.name === 'ECDSA' && algorithm.namedCurve === 'P-256') return 'ECDSA-P256';
  throw new PlatformError('UnsupportedKey', `unsupported key ${algorithm.name}${algorithm.namedCurve ? ` ${algorithm.namedCurve}` : ''}`);
}

/** The algorithm of a node:crypto key; UnsupportedKey for anything but Ed25519 and ECDSA P-256. */
export function algorithmOfKeyObject(key: KeyObject): KeyAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve === 'prime256v1') return 'ECDSA-P256';
  throw new PlatformError('UnsupportedKey', `unsupported key ${key.asymmetricKeyType ?? 'unknown'}${curve ? ` ${curve}` : ''}`);
}
