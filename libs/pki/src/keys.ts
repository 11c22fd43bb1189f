import { createPrivateKey, type KeyObject } from 'node:crypto';
import { PlatformError } from '@powernode/contracts';
import { algorithmOfKeyObject, keyParams, subtle, type CryptoKey, type CryptoKeyPair, type KeyAlgorithm } from './key-algorithm.js';
import { derToPem, readSinglePem } from './pem.js';

/** A fresh extractable key pair (Ed25519 unless asked otherwise). */
export async function generateKeyPair(algorithm: KeyAlgorithm = 'Ed25519'): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(keyParams(algorithm), true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** PKCS#8 "PRIVATE KEY" PEM of an extractable private key. */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  if (key.type !== 'private') throw new PlatformError('InvalidInput', 'not a private key');
  if (!key.extractable) throw new PlatformError('InvalidInput', 'private key is not extractable');
  return derToPem(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** Imports a PKCS#8 "PRIVATE KEY" PEM, detecting its algorithm and deriving its public key. */
export async function importPrivateKeyPem(
  pem: string,
): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey; algorithm: KeyAlgorithm }> {
  const { der } = readSinglePem(pem, 'PRIVATE KEY');
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    throw new PlatformError('InvalidInput', 'private key PEM is not a valid PKCS#8 key');
  }
  const algorithm = algorithmOfKeyObject(keyObject);
  const params = keyParams(algorithm);
  const privateKey = await subtle.importKey('pkcs8', der, params, true, ['sign']);
  // The public half is in the private JWK (x for Ed25519, x and y for P-256): drop `d` and import.
  const { kty, crv, x, y } = await subtle.exportKey('jwk', privateKey);
  const publicJwk = y === undefined ? { kty, crv, x } : { kty, crv, x, y };
  const publicKey = await subtle.importKey('jwk', publicJwk, params, true, ['verify']);
  return { privateKey, publicKey, algorithm };
}
