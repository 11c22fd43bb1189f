import type { z } from 'zod';
import type { caEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';

export interface CertificateRow extends Record<string, unknown> {
  serial: string;
  profile: string;
  subject: string;
  dns_sans: string[];
  ip_sans: string[];
  not_before: string;
  not_after: string;
  fingerprint_sha256: string;
  public_key_sha256: string;
  requester: string;
  revoked: boolean;
  revoked_at?: string;
  revocation_reason?: string;
}

/** Every certificate the CA issued and whether it is revoked, for ca_list_certificates. */
export const certificatesProjection: Projection<CertificateRow> = {
  name: 'certificates',
  version: 1,
  canHandle: ['system.ca.certificate.issued', 'system.ca.certificate.revoked'],
  keyOf: (event) => String(event.data.serial),
  evolve: (row, event) => {
    if (event.kind === 'system.ca.certificate.revoked') {
      return row && { ...row, revoked: true, revoked_at: event.occurred_at, revocation_reason: String(event.data.reason) };
    }
    const d = event.data as z.infer<typeof caEvents.certificateIssued>;
    return {
      serial: d.serial,
      profile: d.profile,
      subject: d.subject,
      dns_sans: d.dns_sans,
      ip_sans: d.ip_sans,
      not_before: d.not_before,
      not_after: d.not_after,
      fingerprint_sha256: d.fingerprint_sha256,
      public_key_sha256: d.public_key_sha256,
      requester: d.requester,
      revoked: false,
    };
  },
};
