import { SubjectAlternativeNameExtension, type Extension } from '@peculiar/x509';
import { derTlv } from './der.js';
import { bytesToIp, ipToBytes } from './ip-address.js';

export const SUBJECT_ALT_NAME_OID = '2.5.29.17';

const DNS_NAME_TAG = 0x82; // [2] IMPLICIT IA5String
const IP_ADDRESS_TAG = 0x87; // [7] IMPLICIT OCTET STRING

/**
 * DER of a GeneralNames SEQUENCE. Encoded by hand so an IPv6 SAN is always its 16 network bytes
 * (and IPv4-mapped or dotted-tail IPv6 literals work), whatever the text form.
 */
export function encodeSubjectAltNames(dnsNames: readonly string[], ipAddresses: readonly string[]): Buffer {
  const names = [
    ...dnsNames.map((name) => derTlv(DNS_NAME_TAG, Buffer.from(name, 'ascii'))),
    ...ipAddresses.map((ip) => derTlv(IP_ADDRESS_TAG, ipToBytes(ip))),
  ];
  return derTlv(0x30, Buffer.concat(names));
}

/** DNS and IP entries of a SubjectAltName extension (IPs in canonical text); other name types are ignored. */
export function readSubjectAltNames(extensions: readonly Extension[]): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const extension of extensions.filter((candidate) => candidate.type === SUBJECT_ALT_NAME_OID)) {
    for (const name of new SubjectAlternativeNameExtension(extension.rawData).names.items) {
      if (name.type === 'dns') dnsNames.push(name.value);
      if (name.type === 'ip') ipAddresses.push(bytesToIp(new Uint8Array(name.rawData).subarray(2)));
    }
  }
  return { dnsNames, ipAddresses };
}
