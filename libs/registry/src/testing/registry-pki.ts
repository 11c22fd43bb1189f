import { createCaHierarchy, exportPrivateKeyPem, generateKeyPair, issueCertificate, type CaHierarchy } from '@powernode/pki';

const HOUR = 3_600_000;

/** A throwaway CA (root + intermediate, a day long) standing in for the platform's in registry tests. */
export function testRegistryCa(name: string): Promise<CaHierarchy> {
  const now = Date.now();
  return createCaHierarchy({
    rootCommonName: `${name} Root`,
    intermediateCommonName: `${name} Intermediate`,
    notBefore: new Date(now - HOUR),
    rootNotAfter: new Date(now + 24 * HOUR),
    intermediateNotAfter: new Date(now + 24 * HOUR),
    algorithm: 'ECDSA-P256',
  });
}

/** A registry server certificate for `ip` (IP SAN), served with its intermediate so a client holding only the root builds the chain. */
export async function testRegistryCertificate(ca: CaHierarchy, ip: string): Promise<{ certPem: string; keyPem: string }> {
  const keys = await generateKeyPair('ECDSA-P256');
  const now = Date.now();
  const leaf = await issueCertificate({
    issuer: { certificatePem: ca.intermediate.certificatePem, privateKey: ca.intermediateKeys.privateKey },
    subjectPublicKey: keys.publicKey,
    commonName: 'platform-registry',
    dnsNames: [],
    ipAddresses: [ip],
    extendedKeyUsages: ['serverAuth'],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + HOUR),
  });
  return { certPem: leaf.certificatePem + ca.intermediate.certificatePem, keyPem: await exportPrivateKeyPem(keys.privateKey) };
}
