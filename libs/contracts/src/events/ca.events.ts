import { z } from 'zod';
import type { EventKindVersion } from '../event-registry.js';

export const CERTIFICATE_PROFILES = ['docker-daemon-server', 'docker-platform-client', 'operator-client', 'agent-identity', 'platform-server'] as const;
export type CertificateProfileName = (typeof CERTIFICATE_PROFILES)[number];

const serial = z.string().regex(/^[0-9a-f]{1,40}$/, 'lowercase hex serial');

export const certificateIssued = z.object({
  serial,
  profile: z.enum(CERTIFICATE_PROFILES),
  subject: z.string().min(1),
  dns_sans: z.array(z.string()),
  ip_sans: z.array(z.string()),
  not_before: z.iso.datetime(),
  not_after: z.iso.datetime(),
  fingerprint_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  key_algorithm: z.enum(['Ed25519', 'ECDSA-P256']),
  /** The key's SPKI SHA-256, so a repeat CSR for the same key can be recognised. */
  public_key_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  requester: z.string().min(1),
  ca_adapter: z.enum(['LocalCaAdapter', 'VaultCaAdapter']),
});

export const certificateRevoked = z.object({
  serial,
  reason: z.string().min(1).max(256),
});

export const CA_EVENTS: EventKindVersion[] = [
  { kind: 'system.ca.certificate.issued', version: 1, schema: certificateIssued },
  { kind: 'system.ca.certificate.revoked', version: 1, schema: certificateRevoked },
];
