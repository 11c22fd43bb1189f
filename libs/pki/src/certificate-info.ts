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

/** The facts of a certificate PEM that adapters and tests look at. */
export function certificateInfo(pem: string): CertificateInfo {
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
