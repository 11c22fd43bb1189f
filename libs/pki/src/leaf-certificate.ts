import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  Extension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
} from '@peculiar/x509';
import { PlatformError } from '@powernode/contracts';
import { SUBJECT_ALT_NAME_OID, encodeSubjectAltNames } from './general-names.js';
import { loadIssuer, type IssuerMaterial } from './issuer.js';
import { algorithmOfKey, type CryptoKey } from './key-algorithm.js';
import { signCertificate, validityWindow, type IssuedCertificate } from './signed-certificate.js';
import { assertSubjectNames } from './subject-names.js';

export type ExtendedKeyUsageName = 'serverAuth' | 'clientAuth';

export interface IssueOptions {
  issuer: IssuerMaterial;
  subjectPublicKey: CryptoKey;
  commonName: string;
  /** SANs are exactly these (the CA decides them, never the CSR). */
  dnsNames: string[];
  ipAddresses: string[];
  extendedKeyUsages: ExtendedKeyUsageName[];
  /** Clamped to the issuer's validity window; the encoded window is returned. */
  notBefore: Date;
  notAfter: Date;
  /** Hex; default 16 random bytes, positive. */
  serial?: string;
}

const EKU_OIDS: Record<ExtendedKeyUsageName, string> = {
  serverAuth: ExtendedKeyUsage.serverAuth,
  clientAuth: ExtendedKeyUsage.clientAuth,
};

/** Issues an end-entity certificate: CA:false, digitalSignature, the given EKUs and SANs, SKI and AKI. */
export async function issueCertificate(options: IssueOptions): Promise<IssuedCertificate> {
  const issuer = await loadIssuer(options.issuer);
  assertPublicKey(options.subjectPublicKey);
  assertSubjectNames(options.commonName, options.dnsNames, options.ipAddresses);
  if (options.extendedKeyUsages.length === 0 || !options.extendedKeyUsages.every((usage) => Object.hasOwn(EKU_OIDS, usage))) {
    throw new PlatformError('InvalidInput', 'extendedKeyUsages must be a non-empty list of serverAuth/clientAuth');
  }
  const extensions: Extension[] = [
    new BasicConstraintsExtension(false, undefined, true),
    new KeyUsagesExtension(KeyUsageFlags.digitalSignature, true),
    new ExtendedKeyUsageExtension([...new Set(options.extendedKeyUsages)].map((usage) => EKU_OIDS[usage]), false),
    await SubjectKeyIdentifierExtension.create(options.subjectPublicKey),
    new AuthorityKeyIdentifierExtension(issuer.keyIdentifier),
  ];
  if (options.dnsNames.length + options.ipAddresses.length > 0) {
    extensions.push(new Extension(SUBJECT_ALT_NAME_OID, false, encodeSubjectAltNames(options.dnsNames, options.ipAddresses)));
  }
  return signCertificate({
    subjectCommonName: options.commonName,
    subjectPublicKey: options.subjectPublicKey,
    issuerName: issuer.certificate.subjectName,
    signingKey: issuer.privateKey,
    signingAlgorithm: issuer.algorithm,
    serial: options.serial,
    ...validityWindow(options.notBefore, options.notAfter, issuer.certificate),
    extensions,
  });
}

/** A public Ed25519 or ECDSA P-256 key; UnsupportedKey otherwise. */
export function assertPublicKey(key: CryptoKey): void {
  algorithmOfKey(key);
  if (key.type !== 'public') throw new PlatformError('InvalidInput', 'subject key must be a public key');
}
