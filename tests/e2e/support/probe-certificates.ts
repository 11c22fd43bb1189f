// CSRs that ask for names they should not get, and the names a certificate really carries (@peculiar/x509).
// @peculiar/x509 resolves its algorithms through tsyringe, which needs Reflect metadata loaded first.
import 'reflect-metadata';
import { buildCsr, exportPrivateKeyPem, generateKeyPair } from '@powernode/pki';
import { ExtendedKeyUsage, ExtendedKeyUsageExtension, SubjectAlternativeNameExtension, X509Certificate } from '@peculiar/x509';

export interface AskedNames {
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
}

/** A fresh Ed25519 key and a CSR asking for `names`. */
export async function csrAsking(names: AskedNames): Promise<{ keyPem: string; csrPem: string }> {
  const keys = await generateKeyPair();
  return { keyPem: await exportPrivateKeyPem(keys.privateKey), csrPem: await buildCsr({ keys, ...names }) };
}

const EKU_NAMES = new Map<string, string>(Object.entries(ExtendedKeyUsage).map(([name, oid]) => [oid as string, name]));

/** Subject, SANs by type and EKUs by name, exactly as encoded. */
export function certificateNames(pem: string): { subject: string; dns: string[]; ip: string[]; eku: string[] } {
  const cert = new X509Certificate(pem);
  const sans = cert.getExtension(SubjectAlternativeNameExtension)?.names.items ?? [];
  const ekus = cert.getExtension(ExtendedKeyUsageExtension)?.usages ?? [];
  return {
    subject: cert.subject,
    dns: sans.filter((n) => n.type === 'dns').map((n) => n.value),
    ip: sans.filter((n) => n.type === 'ip').map((n) => n.value),
    eku: ekus.map((oid) => EKU_NAMES.get(oid as string) ?? String(oid)),
  };
}
