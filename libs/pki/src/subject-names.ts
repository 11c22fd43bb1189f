import { Name } from '@peculiar/x509';
import { PlatformError } from '@powernode/contracts';
import { ipToBytes } from './ip-address.js';

const MAX_COMMON_NAME = 64; // ub-common-name, RFC 5280
const DNS_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

/** A non-empty common name of at most 64 characters without control characters. */
export function assertCommonName(commonName: string): void {
  if (commonName.length === 0 || commonName.length > MAX_COMMON_NAME || /[\u0000-\u001f\u007f]/.test(commonName)) {
    throw new PlatformError('InvalidInput', `invalid common name "${commonName}"`);
  }
}

/**
 * The subject `CN=<commonName>`, encoded verbatim. A plain string value would be parsed by @peculiar/x509 as
 * DN text (backslash escapes and quotes stripped, a leading `#` read as hex), so `a\b` would be encoded as `ab`.
 */
export function commonNameSubject(commonName: string): Name {
  return new Name([{ CN: [Name.isPrintableString(commonName) ? { printableString: commonName } : { utf8String: commonName }] }]);
}

/** An ASCII host name (LDH labels, optionally a leading `*.` wildcard), at most 253 characters. */
export function assertDnsName(name: string): void {
  const labels = (name.startsWith('*.') ? name.slice(2) : name).split('.');
  if (name.length > 253 || !labels.every((label) => DNS_LABEL.test(label))) {
    throw new PlatformError('InvalidInput', `invalid DNS name "${name}"`);
  }
}

/** Validates a certificate subject: CN, DNS SANs and IP SANs. */
export function assertSubjectNames(commonName: string, dnsNames: readonly string[], ipAddresses: readonly string[]): void {
  assertCommonName(commonName);
  dnsNames.forEach(assertDnsName);
  ipAddresses.forEach(ipToBytes);
}
