import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { Extension, Pkcs10CertificateRequest, Pkcs10CertificateRequestGenerator } from '@peculiar/x509';
import { PlatformError } from '@powernode/contracts';
import { SUBJECT_ALT_NAME_OID, encodeSubjectAltNames, readSubjectAltNames } from './general-names.js';
import { algorithmOfKey, algorithmOfKeyObject, keyParams, signingParams, subtle, type CryptoKey, type CryptoKeyPair, type KeyAlgorithm } from './key-algorithm.js';
import { readPemBlocks } from './pem.js';
import { assertSubjectNames, commonNameSubject } from './subject-names.js';

export const DEFAULT_MAX_CSR_BYTES = 16 * 1024;
const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

export interface BuildCsrOptions {
  keys: CryptoKeyPair;
  commonName: string;
  dnsNames?: string[];
  ipAddresses?: string[];
}

/** What a CSR proves: the requester holds `publicKey`. Its names are only what it asks for. */
export interface VerifiedCsr {
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  publicKey: CryptoKey;
  algorithm: KeyAlgorithm;
  /** Lowercase hex SHA-256 of the SubjectPublicKeyInfo DER: identifies the key. */
  spkiSha256: string;
}

/** A PKCS#10 CSR (PEM) for `keys`, with CN and optional DNS/IP SANs in an extensionRequest. */
export async function buildCsr(options: BuildCsrOptions): Promise<string> {
  const { keys, commonName, dnsNames = [], ipAddresses = [] } = options;
  const algorithm = algorithmOfKey(keys.privateKey);
  assertSubjectNames(commonName, dnsNames, ipAddresses);
  const extensions =
    dnsNames.length + ipAddresses.length > 0
      ? [new Extension(SUBJECT_ALT_NAME_OID, false, encodeSubjectAltNames(dnsNames, ipAddresses))]
      : [];
  const csr = await Pkcs10CertificateRequestGenerator.create({
    name: commonNameSubject(commonName),
    keys,
    signingAlgorithm: signingParams(algorithm),
    extensions,
  });
  return csr.toString('pem');
}

/**
 * Checks, in order: size (PayloadTooLarge), PEM shape and parse (InvalidCsr), key type (UnsupportedKey),
 * self-signature (InvalidCsr).
 */
export async function verifyCsr(pem: string, options: { maxBytes?: number } = {}): Promise<VerifiedCsr> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CSR_BYTES;
  if (typeof pem !== 'string') throw new PlatformError('InvalidCsr', 'CSR must be a PEM string');
  const size = Buffer.byteLength(pem, 'utf8');
  if (size > maxBytes) throw new PlatformError('PayloadTooLarge', `CSR is ${size} bytes, limit ${maxBytes}`, { size, maxBytes });

  const csr = parseCsr(pem);
  const spki = Buffer.from(csr.publicKey.rawData);
  const algorithm = algorithmOfKeyObject(publicKeyObject(spki));
  const publicKey = await subtle.importKey('spki', spki, keyParams(algorithm), true, ['verify']);
  if (!(await selfSignatureValid(csr, algorithm))) throw new PlatformError('InvalidCsr', 'CSR self-signature does not verify');

  const [commonName] = csr.subjectName.getField('CN');
  if (commonName === undefined) throw new PlatformError('InvalidCsr', 'CSR subject has no common name');
  let names: { dnsNames: string[]; ipAddresses: string[] };
  try {
    names = readSubjectAltNames(csr.extensions);
  } catch {
    throw new PlatformError('InvalidCsr', 'CSR subjectAltName extension is malformed');
  }
  return { commonName, ...names, publicKey, algorithm, spkiSha256: createHash('sha256').update(spki).digest('hex') };
}

function parseCsr(pem: string): Pkcs10CertificateRequest {
  let blocks;
  try {
    blocks = readPemBlocks(pem);
  } catch {
    throw new PlatformError('InvalidCsr', 'CSR PEM is not valid base64');
  }
  const [block] = blocks;
  if (blocks.length !== 1 || block === undefined || !CSR_LABELS.has(block.label)) {
    throw new PlatformError('InvalidCsr', 'expected exactly one "CERTIFICATE REQUEST" PEM block');
  }
  try {
    const csr = new Pkcs10CertificateRequest(block.der);
    void csr.subjectName; // parse the lazily decoded parts now, inside the try
    void csr.extensions;
    return csr;
  } catch {
    throw new PlatformError('InvalidCsr', 'CSR is not a valid PKCS#10 structure');
  }
}

function publicKeyObject(spki: Buffer): KeyObject {
  try {
    return createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw new PlatformError('InvalidCsr', 'CSR public key is malformed');
  }
}

async function selfSignatureValid(csr: Pkcs10CertificateRequest, algorithm: KeyAlgorithm): Promise<boolean> {
  let signedWith: { name: string; hash?: { name: string } };
  try {
    signedWith = csr.signatureAlgorithm as typeof signedWith;
  } catch {
    throw new PlatformError('InvalidCsr', 'CSR signature algorithm is not recognised');
  }
  const expected = algorithm === 'Ed25519' ? signedWith.name === 'Ed25519' : signedWith.name === 'ECDSA' && signedWith.hash?.name === 'SHA-256';
  if (!expected) throw new PlatformError('InvalidCsr', `CSR signature algorithm ${signedWith.name} does not match its ${algorithm} key`);
  try {
    return await csr.verify();
  } catch {
    return false;
  }
}
