import {
  certificateInfo,
  createCaHierarchy,
  createCrl,
  exportPrivateKeyPem,
  generateKeyPair,
  importPrivateKeyPem,
  issueCertificate,
  verifyChain,
  verifyCsr,
  type IssuerMaterial,
} from '@powernode/pki';
import type { DataSource } from 'typeorm';
import type { CaPreflight, InternalCaService, SignRequest, SignedCertificate } from '../internal-ca-service.js';
import { decryptSecret, encryptSecret } from './key-encryption.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;
const CRL_LIFETIME_MS = 7 * 24 * 3600 * 1000;
const CRL_REFRESH_MS = 24 * 3600 * 1000;

/** CA material given in configuration (fixture PEM for dev) instead of generated and persisted. */
export interface CaFixture {
  rootCertPem: string;
  intermediateCertPem: string;
  intermediateKeyPem: string;
}

export interface LocalCaOptions {
  db: DataSource;
  schema: string;
  /** 32-byte key-encryption key for the CA's private keys at rest. */
  kek: Buffer;
  fixture?: CaFixture;
  now?: () => Date;
}

interface CaRow {
  root_cert_pem: string;
  root_key_enc: string;
  intermediate_cert_pem: string;
  intermediate_key_enc: string;
}

/**
 * The embedded CA: an Ed25519 root (10 y) and issuing intermediate (1 y), generated on first
 * start and kept in PostgreSQL with their keys encrypted, so a restart and every replica use the
 * same CA. Revocations and CRLs live beside them.
 */
export class LocalCaAdapter implements InternalCaService {
  readonly adapterName = 'LocalCaAdapter' as const;

  private constructor(
    private readonly options: LocalCaOptions,
    private readonly rootPem: string,
    private readonly issuer: IssuerMaterial,
  ) {}

  static async open(options: LocalCaOptions): Promise<LocalCaAdapter> {
    if (options.kek.length !== 32) throw new Error('CA key-encryption key must be 32 bytes');
    if (options.fixture) {
      const { privateKey } = await importPrivateKeyPem(options.fixture.intermediateKeyPem);
      return new LocalCaAdapter(options, options.fixture.rootCertPem, { certificatePem: options.fixture.intermediateCertPem, privateKey });
    }
    const table = `"${options.schema}".local_ca`;
    let rows: CaRow[] = await options.db.query(`SELECT * FROM ${table} WHERE id = 'current'`);
    if (!rows[0]) {
      // Two replicas starting together both generate; the first insert wins and both use it.
      const fresh = await generateCa(options);
      await options.db.query(
        `INSERT INTO ${table} (id, root_cert_pem, root_key_enc, intermediate_cert_pem, intermediate_key_enc)
         VALUES ('current', $1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
        [fresh.root_cert_pem, fresh.root_key_enc, fresh.intermediate_cert_pem, fresh.intermediate_key_enc],
      );
      rows = await options.db.query(`SELECT * FROM ${table} WHERE id = 'current'`);
    }
    const row = rows[0]!;
    const { privateKey } = await importPrivateKeyPem(decryptSecret(row.intermediate_key_enc, options.kek, 'intermediate'));
    return new LocalCaAdapter(options, row.root_cert_pem, { certificatePem: row.intermediate_cert_pem, privateKey });
  }

  async sign(request: SignRequest): Promise<SignedCertificate> {
    const publicKey = request.verifiedPublicKey ?? (await verifyCsr(request.csrPem)).publicKey;
    const notBefore = new Date(this.now().getTime() - 60_000); // tolerate small clock skew
    const notAfter = new Date(this.now().getTime() + request.ttlSeconds * 1000);
    const issued = await issueCertificate({
      issuer: this.issuer,
      subjectPublicKey: publicKey,
      commonName: request.names.commonName,
      dnsNames: request.names.dnsSans,
      ipAddresses: request.names.ipSans,
      extendedKeyUsages: request.extendedKeyUsages,
      notBefore,
      notAfter,
    });
    return { ...issued, chainPem: await this.caChain() };
  }

  async revoke(serial: string, reason: string): Promise<void> {
    await this.options.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${this.options.schema}.local_ca_crl`]);
      const inserted: unknown[] = await tx.query(
        `INSERT INTO "${this.options.schema}".local_ca_revocations (serial, reason, revoked_at) VALUES ($1, $2, $3)
         ON CONFLICT (serial) DO NOTHING RETURNING serial`,
        [serial, reason, this.now()],
      );
      if (inserted.length) await this.writeCrl(tx);
    });
  }

  async caChain(): Promise<string[]> {
    return [this.issuer.certificatePem, this.rootPem];
  }

  /** The latest CRL; regenerated on every revocation and at least daily, so it never goes stale. */
  async crl(): Promise<{ pem: string; der: Buffer }> {
    const latest = await this.latestCrl(this.options.db);
    if (latest && this.now().getTime() - new Date(latest.created_at).getTime() < CRL_REFRESH_MS) return latest;
    return this.options.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${this.options.schema}.local_ca_crl`]);
      return this.writeCrl(tx);
    });
  }

  async preflight(): Promise<CaPreflight> {
    const intermediateNotAfter = certificateInfo(this.issuer.certificatePem).notAfter;
    const intermediateDaysLeft = Math.floor((intermediateNotAfter.getTime() - this.now().getTime()) / 86_400_000);
    try {
      const chain = await verifyChain(this.issuer.certificatePem, [this.rootPem], { at: this.now() });
      // Can it sign? Issue a throwaway certificate in memory: nothing is recorded.
      const keys = await generateKeyPair();
      await issueCertificate({
        issuer: this.issuer,
        subjectPublicKey: keys.publicKey,
        commonName: 'preflight',
        dnsNames: [],
        ipAddresses: [],
        extendedKeyUsages: ['clientAuth'],
        notBefore: this.now(),
        notAfter: new Date(this.now().getTime() + 60_000),
      });
      return { canSign: true, chainValid: chain.valid, intermediateDaysLeft, ...(chain.reason ? { error: chain.reason } : {}) };
    } catch (error) {
      return { canSign: false, chainValid: false, intermediateDaysLeft, error: (error as Error).message };
    }
  }

  private async writeCrl(tx: Pick<DataSource, 'query'>): Promise<{ pem: string; der: Buffer }> {
    const s = this.options.schema;
    const revoked: { serial: string; reason: string; revoked_at: Date }[] = await tx.query(`SELECT serial, reason, revoked_at FROM "${s}".local_ca_revocations ORDER BY revoked_at`);
    const [{ next }] = (await tx.query(`SELECT COALESCE(MAX(crl_number), 0) + 1 AS next FROM "${s}".local_ca_crls`)) as [{ next: string }];
    const now = this.now();
    const crl = await createCrl({
      issuer: this.issuer,
      revoked: revoked.map((r) => ({ serial: r.serial, revokedAt: new Date(r.revoked_at), reason: crlReason(r.reason) })),
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + CRL_LIFETIME_MS),
      crlNumber: Number(next),
    });
    await tx.query(`INSERT INTO "${s}".local_ca_crls (crl_number, pem, der, created_at) VALUES ($1, $2, $3, $4)`, [next, crl.pem, crl.der, now]);
    return crl;
  }

  private async latestCrl(db: Pick<DataSource, 'query'>): Promise<{ pem: string; der: Buffer; created_at: string } | undefined> {
    const rows: { pem: string; der: Buffer; created_at: string }[] = await db.query(
      `SELECT pem, der, created_at FROM "${this.options.schema}".local_ca_crls ORDER BY crl_number DESC LIMIT 1`,
    );
    return rows[0];
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

const CRL_REASONS = ['unspecified', 'keyCompromise', 'superseded', 'cessationOfOperation', 'affiliationChanged'] as const;
function crlReason(reason: string): (typeof CRL_REASONS)[number] {
  return (CRL_REASONS as readonly string[]).includes(reason) ? (reason as (typeof CRL_REASONS)[number]) : 'unspecified';
}

async function generateCa(options: LocalCaOptions): Promise<CaRow> {
  const now = options.now?.() ?? new Date();
  const { root, rootKeys, intermediate, intermediateKeys } = await createCaHierarchy({
    rootCommonName: 'Powernode Root CA',
    intermediateCommonName: 'Powernode Issuing CA',
    notBefore: now,
    rootNotAfter: new Date(now.getTime() + 10 * YEAR_MS),
    intermediateNotAfter: new Date(now.getTime() + YEAR_MS),
  });
  return {
    root_cert_pem: root.certificatePem,
    root_key_enc: encryptSecret(await exportPrivateKeyPem(rootKeys.privateKey), options.kek, 'root'),
    intermediate_cert_pem: intermediate.certificatePem,
    intermediate_key_enc: encryptSecret(await exportPrivateKeyPem(intermediateKeys.privateKey), options.kek, 'intermediate'),
  };
}
