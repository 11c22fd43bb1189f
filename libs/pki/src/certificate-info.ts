import { BasicConstraintsExtension, ExtendedKeyUsage, ExtendedKeyUsageExtension } from '@peculiar/x509';
import { readSubjectAltNames } from './general-names.js';
import { parseCertificate } from './issuer.js';
import { sha256Fingerprint } from './pem.js';
import { normalizeSerial } from './serial.js';

export interface CertificateInfo {
  serial: string;
  subjectCn: string;
  issuerCn: string;
  dnsNames: string[];
  /** Canonical text (IPv6 lowercase, compressed). */
  ipAddresses: string[];
  /** `serverAuth`, `clientAuth`, … by name where known, else the OID. */
  extendedKeyUsages: string[];
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  fingerprintSha256: string;
}

const EKU_NAMES = new Map<string, string>(Object.entries(ExtendedKeyUsage).map(([name, oid]) => [oid, name]));

/** Parsed certificates kept by their PEM (ASN.1 decoding dominates an agent's idle CPU: it checks its certificates every round). */
const parsed = new Map<string, CertificateInfo>();
const KEEP = 4_096;

/** The facts of a certificate PEM that adapters and tests look at (a fresh copy each call; parsing is done once per PEM). */
export function certificateInfo(pem: string): CertificateInfo {
  let info = parsed.get(pem);
  if (info === undefined) {
    info = parseInfo(pem);
    if (parsed.size >= KEEP) parsed.delete(parsed.keys().next().value as string);
    parsed.set(pem, info);
  }
  return {
    ...info,
    dnsNames: [...info.dnsNames],
    ipAddresses: [...info.ipAddresses],
    extendedKeyUsages: [...info.extendedKeyUsages],
    notBefore: new Date(info.notBefore),
    notAfter: new Date(info.notAfter),
  };
}

function parseInfo(pem: string): CertificateInfo {
  const certificate = parseCertificate(pem);
  const eku = certificate.getExtension(ExtendedKeyUsageExtension);
  return {
    serial: normalizeSerial(certificate.serialNumber),
    subjectCn: certificate.subjectName.getField('CN')[0] ?? '',
    issuerCn: certificate.issuerName.getField('CN')[0] ?? '',
    ...readSubjectAltNames(certificate.extensions),
    extendedKeyUsages: Array.from(eku?.usages ?? [], (usage) => {
      const oid = String(usage);
      return EKU_NAMES.get(oid) ?? oid;
    }),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    isCa: certificate.getExtension(BasicConstraintsExtension)?.ca === true,
    fingerprintSha256: sha256Fingerprint(Buffer.from(certificate.rawData)),
  };
}
