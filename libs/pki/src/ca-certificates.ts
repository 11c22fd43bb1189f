import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
} from '@peculiar/x509';
import { PlatformError } from '@powernode/contracts';
import { loadIssuer, type IssuerMaterial } from './issuer.js';
import { algorithmOfKey, type CryptoKey, type CryptoKeyPair } from './key-algorithm.js';
import { assertPublicKey } from './leaf-certificate.js';
import { signCertificate, validityWindow, type IssuedCertificate } from './signed-certificate.js';
import { assertCommonName } from './subject-names.js';

const CA_KEY_USAGE = KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign;

/** A self-signed root: CA:true (critical, no path length), keyCertSign+cRLSign (critical), SKI. */
export async function createRootCa(options: {
  commonName: string;
  keys: CryptoKeyPair;
  notBefore: Date;
  notAfter: Date;
}): Promise<IssuedCertificate> {
  assertCommonName(options.commonName);
  const algorithm = algorithmOfKey(options.keys.privateKey);
  if (algorithmOfKey(options.keys.publicKey) !== algorithm) throw new PlatformError('InvalidInput', 'root key pair halves differ in algorithm');
  return signCertificate({
    subjectCommonName: options.commonName,
    subjectPublicKey: options.keys.publicKey,
    signingKey: options.keys.privateKey,
    signingAlgorithm: algorithm,
    ...validityWindow(options.notBefore, options.notAfter),
    extensions: [
      new BasicConstraintsExtension(true, undefined, true),
      new KeyUsagesExtension(CA_KEY_USAGE, true),
      await SubjectKeyIdentifierExtension.create(options.keys.publicKey),
    ],
  });
}

/** An intermediate CA under `issuer`: CA:true pathLen (default 0), keyCertSign+cRLSign, SKI, AKI. */
export async function createIntermediateCa(options: {
  commonName: string;
  subjectPublicKey: CryptoKey;
  issuer: IssuerMaterial;
  notBefore: Date;
  notAfter: Date;
  pathLength?: number;
}): Promise<IssuedCertificate> {
  const pathLength = options.pathLength ?? 0;
  if (!Number.isInteger(pathLength) || pathLength < 0) throw new PlatformError('InvalidInput', 'pathLength must be a non-negative integer');
  assertCommonName(options.commonName);
  assertPublicKey(options.subjectPublicKey);
  const issuer = await loadIssuer(options.issuer);
  const issuerPathLength = issuer.certificate.getExtension(BasicConstraintsExtension)?.pathLength;
  if (issuerPathLength !== undefined && pathLength >= issuerPathLength) {
    throw new PlatformError('InvalidInput', `issuer path length ${issuerPathLength} allows no CA with path length ${pathLength} below it`);
  }
  return signCertificate({
    subjectCommonName: options.commonName,
    subjectPublicKey: options.subjectPublicKey,
    issuerName: issuer.certificate.subjectName,
    signingKey: issuer.privateKey,
    signingAlgorithm: issuer.algorithm,
    ...validityWindow(options.notBefore, options.notAfter, issuer.certificate),
    extensions: [
      new BasicConstraintsExtension(true, pathLength, true),
      new KeyUsagesExtension(CA_KEY_USAGE, true),
      await SubjectKeyIdentifierExtension.create(options.subjectPublicKey),
      new AuthorityKeyIdentifierExtension(issuer.keyIdentifier),
    ],
  });
}
