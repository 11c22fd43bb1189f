import { createHash, X509Certificate } from 'node:crypto';
import { PlatformError } from '@powernode/contracts';
import { certificateInfo, normalizeIp, verifyCsr, type CertificateInfo } from '@powernode/pki';
import type { SignedCertificate, SignRequest } from '../internal-ca-service.js';
import { toPlatformSerial } from './serial-format.js';

/** Vault's clock may run a little ahead of ours; anything beyond this on notAfter is a longer-lived cert than asked for. */
const VALIDITY_SLACK_MS = 5 * 60_000;

export interface IssuedCertificateExpectation {
  request: SignRequest;
  /** When we sent the sign request: notAfter may not exceed this + ttl. */
  requestedAt: Date;
  issuingCaPem: string;
  /** Vault's `serial_number` field, which must agree with the certificate itself. */
  vaultSerial: string;
}

/**
 * Checks what Vault returned against what the platform asked for (DESIGN §4: the CA decides SANs from platform state).
 * A role with use_csr_sans / use_csr_common_name (Vault's defaults!), extra allowed names or wider EKUs would
 * otherwise widen a certificate silently. Returns the certificate's facts; throws CaRejected listing every mismatch.
 */
export async function checkIssuedCertificate(
  certificatePem: string,
  expected: IssuedCertificateExpectation,
): Promise<Omit<SignedCertificate, 'chainPem'>> {
  const { request } = expected;
  let cert: X509Certificate;
  let info: CertificateInfo;
  try {
    cert = new X509Certificate(certificatePem);
    info = certificateInfo(certificatePem);
  } catch (error) {
    throw new PlatformError('CaRejected', `Vault returned an unparseable certificate: ${(error as Error).message}`);
  }
  const problems: string[] = [];

  if (info.subjectCn !== request.names.commonName) {
    problems.push(`common name ${JSON.stringify(info.subjectCn)} ≠ requested ${JSON.stringify(request.names.commonName)}`);
  }
  // certificateInfo reads DNS and IP SANs only; any other name type (URI, email…) is a widening on its own.
  const otherSans = (cert.subjectAltName ?? '').split(', ').filter((entry) => entry !== '' && !/^(DNS|IP Address):/.test(entry));
  if (otherSans.length > 0) problems.push(`unexpected SANs ${JSON.stringify(otherSans)}`);
  compare('DNS SANs', info.dnsNames.map(lower), request.names.dnsSans.map(lower), problems);
  compare('IP SANs', info.ipAddresses, request.names.ipSans.map(normalizeIp), problems);
  compare('extended key usages', info.extendedKeyUsages, request.extendedKeyUsages, problems);
  if (info.isCa) problems.push('certificate is a CA certificate');

  const { spkiSha256 } = await verifyCsr(request.csrPem);
  const certSpkiSha256 = createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  if (certSpkiSha256 !== spkiSha256) problems.push("certificate public key is not the CSR's");

  const latestNotAfter = expected.requestedAt.getTime() + request.ttlSeconds * 1000 + VALIDITY_SLACK_MS;
  if (info.notAfter.getTime() > latestNotAfter) {
    problems.push(`notAfter ${info.notAfter.toISOString()} is beyond the requested ttl of ${request.ttlSeconds}s`);
  }
  if (toPlatformSerial(expected.vaultSerial) !== info.serial) {
    problems.push(`Vault's serial_number ${expected.vaultSerial} ≠ the certificate's ${info.serial}`);
  }
  try {
    const issuer = new X509Certificate(expected.issuingCaPem);
    if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey)) problems.push('certificate is not signed by issuing_ca');
  } catch (error) {
    problems.push(`issuing_ca unparseable: ${(error as Error).message}`);
  }

  if (problems.length > 0) {
    throw new PlatformError('CaRejected', `Vault issued a certificate that differs from the request: ${problems.join('; ')}`, {
      problems,
      serial: info.serial,
    });
  }
  return {
    certificatePem: cert.toString(),
    serial: info.serial,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    fingerprintSha256: info.fingerprintSha256,
  };
}

const lower = (name: string) => name.toLowerCase();

function compare(what: string, actual: string[], wanted: string[], problems: string[]): void {
  const left = new Set(actual);
  const right = new Set(wanted);
  if (left.size !== right.size || ![...left].every((item) => right.has(item))) {
    problems.push(`${what} ${JSON.stringify(actual)} ≠ requested ${JSON.stringify(wanted)}`);
  }
}
