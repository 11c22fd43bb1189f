import { AuthorityKeyIdentifierExtension, Extension, KeyUsageFlags, KeyUsagesExtension, X509CrlGenerator, X509CrlReason } from '@peculiar/x509';
import { PlatformError } from '@powernode/contracts';
import { derUnsignedInteger } from './der.js';
import { loadIssuer, type IssuerMaterial } from './issuer.js';
import { signingParams } from './key-algorithm.js';
import { derToPem } from './pem.js';
import { normalizeSerial } from './serial.js';

const CRL_NUMBER_OID = '2.5.29.20';

export type RevocationReason = 'unspecified' | 'keyCompromise' | 'superseded' | 'cessationOfOperation' | 'affiliationChanged';

export interface RevokedEntry {
  serial: string;
  revokedAt: Date;
  reason?: RevocationReason;
}

export interface CreateCrlOptions {
  issuer: IssuerMaterial;
  revoked: RevokedEntry[];
  thisUpdate: Date;
  nextUpdate: Date;
  /** Monotonic per issuer; the caller keeps the counter. */
  crlNumber: number;
}

/** An X.509 v2 CRL signed by the issuer, with CRL number and AKI; reason codes except `unspecified` are encoded. */
export async function createCrl(options: CreateCrlOptions): Promise<{ pem: string; der: Buffer }> {
  const { crlNumber, thisUpdate, nextUpdate } = options;
  if (!Number.isSafeInteger(crlNumber) || crlNumber < 0) throw new PlatformError('InvalidInput', 'crlNumber must be a non-negative integer');
  if (!(thisUpdate < nextUpdate)) throw new PlatformError('InvalidInput', 'thisUpdate must precede nextUpdate');
  const issuer = await loadIssuer(options.issuer);
  const keyUsage = issuer.certificate.getExtension(KeyUsagesExtension);
  if (keyUsage !== null && (keyUsage.usages & KeyUsageFlags.cRLSign) === 0) throw new PlatformError('InvalidInput', 'issuer may not sign CRLs (no cRLSign)');

  const seen = new Set<string>();
  const entries = options.revoked.map((entry) => {
    const serialNumber = normalizeSerial(entry.serial);
    if (seen.has(serialNumber)) throw new PlatformError('InvalidInput', `serial ${serialNumber} is listed twice`);
    seen.add(serialNumber);
    if (Number.isNaN(entry.revokedAt.getTime())) throw new PlatformError('InvalidInput', `revokedAt of ${serialNumber} is not a date`);
    // RFC 5280 §5.3.1: the unspecified reason should be expressed by leaving the extension out.
    const reason = entry.reason === undefined || entry.reason === 'unspecified' ? undefined : X509CrlReason[entry.reason];
    return { serialNumber, revocationDate: entry.revokedAt, reason };
  });

  const crl = await X509CrlGenerator.create({
    issuer: issuer.certificate.subjectName,
    thisUpdate,
    nextUpdate,
    signingKey: issuer.privateKey,
    signingAlgorithm: signingParams(issuer.algorithm),
    entries,
    extensions: [
      new AuthorityKeyIdentifierExtension(issuer.keyIdentifier),
      new Extension(CRL_NUMBER_OID, false, derUnsignedInteger(crlNumber)),
    ],
  });
  const der = Buffer.from(crl.rawData);
  return { pem: derToPem(der, 'X509 CRL'), der };
}
