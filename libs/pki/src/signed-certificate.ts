import { X509CertificateGenerator, type Extension, type Name } from '@peculiar/x509';
import { PlatformError } from '@powernode/contracts';
import { signingParams, type CryptoKey, type KeyAlgorithm } from './key-algorithm.js';
import { sha256Fingerprint } from './pem.js';
import { normalizeSerial, randomSerial } from './serial.js';
import { commonNameSubject } from './subject-names.js';

/** A certificate as issued: PEM plus the facts callers record (serial in the platform format). */
export interface IssuedCertificate {
  certificatePem: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  fingerprintSha256: string;
}

export interface SignCertificateInput {
  subjectCommonName: string;
  subjectPublicKey: CryptoKey;
  /** The issuer's subject name as parsed (keeps its exact encoding); absent for self-signed. */
  issuerName?: Name;
  signingKey: CryptoKey;
  signingAlgorithm: KeyAlgorithm;
  serial?: string;
  notBefore: Date;
  notAfter: Date;
  extensions: Extension[];
}

/** Signs a v3 certificate and reads back what was actually encoded. */
export async function signCertificate(input: SignCertificateInput): Promise<IssuedCertificate> {
  const subject = commonNameSubject(input.subjectCommonName);
  const certificate = await X509CertificateGenerator.create({
    serialNumber: input.serial === undefined ? randomSerial() : normalizeSerial(input.serial),
    subject,
    issuer: input.issuerName ?? subject,
    notBefore: input.notBefore,
    notAfter: input.notAfter,
    publicKey: input.subjectPublicKey,
    signingKey: input.signingKey,
    signingAlgorithm: signingParams(input.signingAlgorithm),
    extensions: input.extensions,
  });
  const der = Buffer.from(certificate.rawData);
  return {
    certificatePem: certificate.toString('pem').trimEnd() + '\n',
    serial: normalizeSerial(certificate.serialNumber),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    fingerprintSha256: sha256Fingerprint(der),
  };
}

/**
 * The validity window to encode: whole seconds, and never outside the issuer's own window
 * (a certificate that outlives its issuer stops verifying when the issuer expires anyway).
 */
export function validityWindow(
  notBefore: Date,
  notAfter: Date,
  issuer?: { notBefore: Date; notAfter: Date },
): { notBefore: Date; notAfter: Date } {
  if (!(notBefore instanceof Date) || !(notAfter instanceof Date) || Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new PlatformError('InvalidInput', 'notBefore and notAfter must be valid dates');
  }
  let from = Math.floor(notBefore.getTime() / 1000) * 1000;
  let until = Math.floor(notAfter.getTime() / 1000) * 1000;
  if (issuer) {
    from = Math.max(from, issuer.notBefore.getTime());
    until = Math.min(until, issuer.notAfter.getTime());
  }
  if (from >= until) throw new PlatformError('InvalidInput', 'validity window is empty (notBefore must precede notAfter, inside the issuer window)');
  return { notBefore: new Date(from), notAfter: new Date(until) };
}
