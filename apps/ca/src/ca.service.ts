import { PlatformError, type CertificateProfileName } from '@powernode/contracts';
import { handleCommand, type CommandMeta } from '@powernode/eventstore';
import { Filters, selectRows } from '@powernode/service-runtime';
import { buildCsr, exportPrivateKeyPem, generateKeyPair, normalizeSerial, verifyCsr } from '@powernode/pki';
import type { InternalCaService } from './adapters/internal-ca-service.js';
import { certificateDecider, certificateRef } from './certificate/certificate.decider.js';
import { certificatesProjection, type CertificateRow } from './certificate/certificates.projection.js';
import { parseDuration, resolveProfile, type SubjectFacts } from './profiles/profiles.js';
import type { CaRuntime } from './runtime.js';

export interface SignResult {
  serial: string;
  cert_pem: string;
  chain_pem: string[];
  not_after: string;
  fingerprint_sha256: string;
}

/** The CA's use cases: the adapter signs and revokes; every issuance and revocation is an event. */
export class CaService {
  constructor(
    private readonly runtime: CaRuntime,
    readonly adapter: InternalCaService,
  ) {}

  /** Verifies the CSR, lets the profile decide names and lifetime, signs, and records the issuance. */
  async sign(profile: CertificateProfileName, csrPem: string, facts: SubjectFacts, ttlSeconds: number | undefined, meta: CommandMeta): Promise<SignResult> {
    const csr = await verifyCsr(csrPem);
    const resolved = resolveProfile(profile, facts, ttlSeconds);
    const signed = await this.adapter.sign({ csrPem, profile, ...resolved, verifiedPublicKey: csr.publicKey });
    const serial = normalizeSerial(signed.serial);
    await handleCommand(
      this.runtime.store,
      certificateRef(serial),
      certificateDecider(serial),
      {
        type: 'RecordIssuance',
        data: {
          serial,
          profile,
          subject: resolved.names.commonName,
          dns_sans: resolved.names.dnsSans,
          ip_sans: resolved.names.ipSans,
          not_before: signed.notBefore.toISOString(),
          not_after: signed.notAfter.toISOString(),
          fingerprint_sha256: signed.fingerprintSha256,
          key_algorithm: csr.algorithm,
          public_key_sha256: csr.spkiSha256,
          requester: meta.actor,
          ca_adapter: this.adapter.adapterName,
        },
      },
      meta,
    );
    return { serial, cert_pem: signed.certificatePem, chain_pem: signed.chainPem, not_after: signed.notAfter.toISOString(), fingerprint_sha256: signed.fingerprintSha256 };
  }

  /** An operator client cert; without a CSR the key pair is generated here and returned once, never stored. */
  async exportOperatorCert(operator: string, ttl: string | undefined, csrPem: string | undefined, meta: CommandMeta) {
    const ttlSeconds = ttl === undefined ? undefined : parseDuration(ttl);
    let keyPem: string | undefined;
    let csr = csrPem;
    if (!csr) {
      const keys = await generateKeyPair();
      csr = await buildCsr({ keys, commonName: operator });
      keyPem = await exportPrivateKeyPem(keys.privateKey);
    }
    const signed = await this.sign('operator-client', csr, { operator }, ttlSeconds, meta);
    return {
      serial: signed.serial,
      not_after: signed.not_after,
      ca_pem: signed.chain_pem.join(''),
      // With its intermediate: dockerd trusts the platform root only, and the Docker CLI presents what this file holds.
      cert_pem: [signed.cert_pem, ...signed.chain_pem.slice(0, -1)].map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)).join(''),
      ...(keyPem ? { key_pem: keyPem } : {}),
    };
  }

  /** Revokes at the adapter first, then records it; a repeat finds it revoked and records nothing. */
  async revoke(rawSerial: string, reason: string, meta: CommandMeta): Promise<{ serial: string; revoked: boolean; already_revoked: boolean }> {
    const serial = normalizeSerial(rawSerial);
    const decider = certificateDecider(serial);
    const { events } = await this.runtime.store.load(certificateRef(serial));
    const state = events.reduce(decider.evolve, decider.initialState());
    if (!state.issued) throw new PlatformError('NotFound', `no certificate with serial ${serial}`, { serial });
    if (state.revoked) return { serial, revoked: true, already_revoked: true };
    await this.adapter.revoke(serial, reason);
    const result = await handleCommand(this.runtime.store, certificateRef(serial), decider, { type: 'Revoke', data: { reason } }, meta);
    await this.runtime.projections.certificates.waitFor(result.position);
    return { serial, revoked: true, already_revoked: result.events.length === 0 };
  }

  async list(filters: { profile?: string; subject?: string; expiring_before?: string; include_revoked: boolean; limit: number }): Promise<CertificateRow[]> {
    const where = new Filters()
      .add(`doc->>'profile' = $?`, filters.profile)
      .add(`doc->>'subject' = $?`, filters.subject)
      .add(`(doc->>'not_after')::timestamptz < $?`, filters.expiring_before);
    if (!filters.include_revoked) where.raw(`NOT (doc->>'revoked')::boolean`);
    return selectRows(this.runtime, certificatesProjection, where, `doc->>'not_before' DESC, key`, filters.limit);
  }

}
