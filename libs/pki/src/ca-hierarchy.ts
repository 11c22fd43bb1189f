import { createIntermediateCa, createRootCa } from './ca-certificates.js';
import { generateKeyPair } from './keys.js';
import type { CryptoKeyPair, KeyAlgorithm } from './key-algorithm.js';
import type { IssuedCertificate } from './signed-certificate.js';

export interface CaHierarchyOptions {
  rootCommonName: string;
  intermediateCommonName: string;
  notBefore: Date;
  rootNotAfter: Date;
  intermediateNotAfter: Date;
  algorithm?: KeyAlgorithm;
}

export interface CaHierarchy {
  root: IssuedCertificate;
  rootKeys: CryptoKeyPair;
  intermediate: IssuedCertificate;
  intermediateKeys: CryptoKeyPair;
  /** What follows a leaf: the issuing intermediate, then the root. */
  chain: string[];
}

/** A fresh root and an issuing intermediate under it, each with its own new key pair. */
export async function createCaHierarchy(options: CaHierarchyOptions): Promise<CaHierarchy> {
  const rootKeys = await generateKeyPair(options.algorithm);
  const root = await createRootCa({ commonName: options.rootCommonName, keys: rootKeys, notBefore: options.notBefore, notAfter: options.rootNotAfter });
  const intermediateKeys = await generateKeyPair(options.algorithm);
  const intermediate = await createIntermediateCa({
    commonName: options.intermediateCommonName,
    subjectPublicKey: intermediateKeys.publicKey,
    issuer: { certificatePem: root.certificatePem, privateKey: rootKeys.privateKey },
    notBefore: options.notBefore,
    notAfter: options.intermediateNotAfter,
  });
  return { root, rootKeys, intermediate, intermediateKeys, chain: [intermediate.certificatePem, root.certificatePem] };
}
