import 'reflect-metadata'; // tsyringe (inside @peculiar/x509) needs it loaded first
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';

// Node's webcrypto is the WebCrypto @peculiar/x509 expects; the types differ only because this repo compiles without DOM lib.
x509.cryptoProvider.set(webcrypto as never);

const ED25519 = { name: 'Ed25519' };
const DAY_MS = 86_400_000;

export const EKU = { serverAuth: x509.ExtendedKeyUsage.serverAuth, clientAuth: x509.ExtendedKeyUsage.clientAuth } as const;

export interface IssueParams {
  csrPem: string;
  commonName: string;
  dnsSans: string[];
  ipSans: string[];
  ttlMs: number;
  extendedKeyUsages: string[];
}

/** A real two-level Ed25519 CA (root → intermediate) like a Vault pki / pki_int pair, in memory. */
export class FakeVaultPki {
  private readonly revoked = new Map<string, Date>();
  private readonly issued = new Set<string>();

  private constructor(
    readonly rootPem: string,
    readonly intermediatePem: string,
    private readonly intermediate: x509.X509Certificate,
    private readonly intermediateKey: webcrypto.CryptoKey,
  ) {}

  static async create({ intermediateDays = 365 } = {}): Promise<FakeVaultPki> {
    const rootKeys = (await webcrypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const root = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=Fake Vault Root',
      keys: rootKeys,
      signingAlgorithm: ED25519,
      notBefore: new Date(Date.now() - DAY_MS),
      notAfter: new Date(Date.now() + 10 * 365 * DAY_MS),
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
    });
    const intermediateKeys = (await webcrypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const intermediate = await x509.X509CertificateGenerator.create({
      subject: 'CN=Fake Vault Intermediate',
      issuer: root.subject,
      publicKey: intermediateKeys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: ED25519,
      notBefore: new Date(Date.now() - DAY_MS),
      notAfter: new Date(Date.now() + intermediateDays * DAY_MS),
      extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
    });
    return new FakeVaultPki(root.toString('pem'), intermediate.toString('pem'), intermediate, intermediateKeys.privateKey);
  }

  /** Issues like Vault's sign endpoint: 20 random serial bytes, names from the request. Returns PEM and Vault's colon serial. */
  async issue(params: IssueParams): Promise<{ pem: string; serial: string; notAfter: Date }> {
    const csr = new x509.Pkcs10CertificateRequest(params.csrPem);
    if (!(await csr.verify())) throw new Error('CSR signature does not verify');
    const bytes = randomBytes(20);
    bytes[0] = (bytes[0]! & 0x7f) | 0x01; // positive and no leading zero byte, as Vault's serials are
    const serialHex = bytes.toString('hex');
    const names = [
      ...params.dnsSans.map((value) => ({ type: 'dns' as const, value })),
      ...params.ipSans.map((value) => ({ type: 'ip' as const, value })),
    ];
    const notAfter = new Date(Date.now() + params.ttlMs);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serialHex,
      subject: `CN=${params.commonName}`,
      issuer: this.intermediate.subject,
      publicKey: csr.publicKey,
      signingKey: this.intermediateKey,
      signingAlgorithm: ED25519,
      notBefore: new Date(Date.now() - 30_000), // Vault backdates by 30s (not_before_duration)
      notAfter,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension(params.extendedKeyUsages),
        ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
      ],
    });
    this.issued.add(serialHex);
    return { pem: cert.toString('pem'), serial: serialHex.match(/../g)!.join(':'), notAfter };
  }

  /** Vault semantics: unknown → 'unknown'; revoking twice keeps the first revocation time. */
  revoke(serialHex: string): { status: 'revoked' | 'unknown'; revokedAt?: Date } {
    if (!this.issued.has(serialHex)) return { status: 'unknown' };
    if (!this.revoked.has(serialHex)) this.revoked.set(serialHex, new Date());
    return { status: 'revoked', revokedAt: this.revoked.get(serialHex) };
  }

  async crl(): Promise<x509.X509Crl> {
    return x509.X509CrlGenerator.create({
      issuer: this.intermediate.subject,
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + 3 * DAY_MS),
      entries: [...this.revoked].map(([serialNumber, revocationDate]) => ({ serialNumber, revocationDate })),
      signingKey: this.intermediateKey,
      signingAlgorithm: ED25519,
    });
  }
}
