// Certificates the platform CA never issued: a look-alike CA that copies names and serials of real ones.
import { createRootCa, exportPrivateKeyPem, generateKeyPair, issueCertificate, type ExtendedKeyUsageName } from '@powernode/pki';

export interface RogueLeaf {
  /** The leaf then the rogue root (the root named like `issuerName`). */
  cert: string;
  key: string;
}

/**
 * A leaf from a self-made CA whose name is `issuerName` (e.g. the platform intermediate's CN), so only the
 * signature tells it apart from the real thing.
 */
export async function rogueLeaf(options: {
  issuerName: string;
  commonName: string;
  extendedKeyUsages: ExtendedKeyUsageName[];
  serial?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
}): Promise<RogueLeaf> {
  const now = new Date();
  const notAfter = new Date(now.getTime() + 3600_000);
  const caKeys = await generateKeyPair();
  const root = await createRootCa({ commonName: options.issuerName, keys: caKeys, notBefore: now, notAfter });
  const leafKeys = await generateKeyPair();
  const leaf = await issueCertificate({
    issuer: { certificatePem: root.certificatePem, privateKey: caKeys.privateKey },
    subjectPublicKey: leafKeys.publicKey,
    commonName: options.commonName,
    dnsNames: options.dnsNames ?? [],
    ipAddresses: options.ipAddresses ?? [],
    extendedKeyUsages: options.extendedKeyUsages,
    notBefore: now,
    notAfter,
    ...(options.serial ? { serial: options.serial } : {}),
  });
  return { cert: leaf.certificatePem + root.certificatePem, key: await exportPrivateKeyPem(leafKeys.privateKey) };
}
