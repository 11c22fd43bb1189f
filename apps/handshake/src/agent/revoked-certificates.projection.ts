import type { z } from 'zod';
import type { caEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';

export interface RevokedCertificateRow extends Record<string, unknown> {
  serial: string;
  reason: string;
}

/** Serials the platform CA revoked (`ca_revoke_certificate`): an agent certificate among them speaks for no one. */
export const revokedCertificatesProjection: Projection<RevokedCertificateRow> = {
  name: 'revoked_certificates',
  version: 1,
  canHandle: ['system.ca.certificate.revoked'],
  keyOf: (event) => String(event.data.serial),
  evolve: (_row, event) => {
    const d = event.data as z.infer<typeof caEvents.certificateRevoked>;
    return { serial: d.serial, reason: d.reason };
  },
};
