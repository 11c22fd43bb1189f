import { randomBytes } from 'node:crypto';
import { BasicConstraintsExtension, KeyUsageFlags, KeyUsagesExtension, SubjectKeyIdentifierExtension, X509Certificate } from '@peculiar/x509';
import { PlatformError } from '@powernode/contracts';
import { algorithmOfKey, signingParams, subtle, type CryptoKey, type KeyAlgorithm } from './key-algorithm.js';
import { readSinglePem } from './pem.js';

/** A CA certificate and the private key that signs under it. */
export interface IssuerMaterial {
  certificatePem: string;
  privateKey: CryptoKey;
}

/** An issuer checked to be a CA whose key matches its certificate. */
export interface LoadedIssuer {
  certificate: X509Certificate;
  privateKey: CryptoKey;
  algorithm: KeyAlgorithm;
  /** Hex subjectKeyIdentifier of the issuer: the authorityKeyIdentifier of what it signs. */
  keyIdentifier: string;
}

// Checking an issuer costs a parse, a key export and a sign/verify round: do it once per key and certificate.
const loaded = new WeakMap<CryptoKey, Map<string, Promise<LoadedIssuer>>>();

/** Parses and checks issuer material (a CA certificate and its matching private key), once per pair. */
export function loadIssuer(material: IssuerMaterial): Promise<LoadedIssuer> {
  let byPem = loaded.get(material.privateKey);
  if (!byPem) loaded.set(material.privateKey, (byPem = new Map()));
  let issuer = byPem.get(material.certificatePem);
  if (!issuer) {
    issuer = checkIssuer(material);
    byPem.set(material.certificatePem, issuer);
    issuer.catch(() => byPem.delete(material.certificatePem));
  }
  return issuer;
}

async function checkIssuer(material: IssuerMaterial): Promise<LoadedIssuer> {
  const certificate = parseCertificate(material.certificatePem, 'issuer certificate');
  const algorithm = algorithmOfKey(material.privateKey);
  if (material.privateKey.type !== 'private') throw new PlatformError('InvalidInput', 'issuer key is not a private key');
  if (!isCaCertificate(certificate)) throw new PlatformError('InvalidInput', 'issuer certificate is not a CA (basicConstraints/keyCertSign)');
  await assertKeyMatchesCertificate(material.privateKey, algorithm, certificate);
  const ski = certificate.getExtension(SubjectKeyIdentifierExtension);
  const keyIdentifier = ski?.keyId ?? Buffer.from(await certificate.publicKey.getKeyIdentifier()).toString('hex');
  return { certificate, privateKey: material.privateKey, algorithm, keyIdentifier };
}

/** A certificate parsed from a single "CERTIFICATE" PEM; InvalidInput otherwise. */
export function parseCertificate(pem: string, what = 'certificate'): X509Certificate {
  const { der } = readSinglePem(pem, 'CERTIFICATE');
  try {
    const certificate = new X509Certificate(der);
    void certificate.extensions; // decode lazily parsed parts inside the try
    return certificate;
  } catch {
    throw new PlatformError('InvalidInput', `${what} is not a valid X.509 certificate`);
  }
}

/** basicConstraints CA:true, and keyCertSign when a keyUsage extension is present. */
export function isCaCertificate(certificate: X509Certificate): boolean {
  const constraints = certificate.getExtension(BasicConstraintsExtension);
  const keyUsage = certificate.getExtension(KeyUsagesExtension);
  return constraints?.ca === true && (keyUsage === null || (keyUsage.usages & KeyUsageFlags.keyCertSign) !== 0);
}

/** Signs a random challenge and verifies it with the certificate's key, so a mismatched pair fails here, not in every relying party. */
async function assertKeyMatchesCertificate(privateKey: CryptoKey, algorithm: KeyAlgorithm, certificate: X509Certificate): Promise<void> {
  const challenge = randomBytes(32);
  let matches = false;
  try {
    const publicKey = await certificate.publicKey.export();
    const params = signingParams(algorithm);
    matches = await subtle.verify(params, publicKey, await subtle.sign(params, privateKey, challenge), challenge);
  } catch {
    matches = false;
  }
  if (!matches) throw new PlatformError('InvalidInput', 'issuer private key does not match the issuer certificate');
}
