import { z } from 'zod';
import { CERTIFICATE_PROFILES } from '../events/ca.events.js';
import { defineAction } from './action.js';

const serial = z.string().regex(/^[0-9a-fA-F:]{1,59}$/, 'hex serial (colons allowed)');
const pem = z.string().min(1).max(64 * 1024);

const certificateSummary = z.object({
  serial: z.string(),
  profile: z.string(),
  subject: z.string(),
  dns_sans: z.array(z.string()),
  ip_sans: z.array(z.string()),
  not_before: z.string(),
  not_after: z.string(),
  fingerprint_sha256: z.string(),
  requester: z.string(),
  revoked: z.boolean(),
  revoked_at: z.string().optional(),
  revocation_reason: z.string().optional(),
});

export const caGetChain = defineAction({
  name: 'ca_get_chain',
  description: "The platform CA's chain (issuing intermediate first, root last), PEM.",
  service: 'ca',
  permission: 'system.platform_read',
  mutating: false,
  input: z.object({}),
  output: z.object({ chain_pem: z.array(z.string()), ca_adapter: z.string() }),
});

export const caListCertificates = defineAction({
  name: 'ca_list_certificates',
  description: 'Certificates the platform CA issued, newest first; filter by profile, subject, or expiry.',
  service: 'ca',
  permission: 'ca.admin',
  mutating: false,
  input: z.object({
    profile: z.enum(CERTIFICATE_PROFILES).optional(),
    subject: z.string().max(256).optional(),
    expiring_before: z.iso.datetime().optional(),
    include_revoked: z.boolean().default(true),
    limit: z.number().int().min(1).max(1000).default(100),
  }),
  output: z.object({ certificates: z.array(certificateSummary) }),
});

export const caRevokeCertificate = defineAction({
  name: 'ca_revoke_certificate',
  description: 'Revoke a certificate by serial; the CRL is regenerated. Revoking twice is harmless.',
  service: 'ca',
  permission: 'ca.admin',
  mutating: true,
  input: z.object({ serial, reason: z.string().min(1).max(256).default('unspecified') }),
  output: z.object({ serial: z.string(), revoked: z.boolean(), already_revoked: z.boolean() }),
});

export const caGetCrl = defineAction({
  name: 'ca_get_crl',
  description: 'The current certificate revocation list (PEM; DER base64).',
  service: 'ca',
  permission: 'system.platform_read',
  mutating: false,
  input: z.object({}),
  output: z.object({ crl_pem: z.string(), crl_der_base64: z.string() }),
});

export const dockerExportOperatorCert = defineAction({
  name: 'docker_export_operator_cert',
  description:
    'A short-lived operator client certificate for the Docker CLI (dockerd checks no CRL). With csr_pem it signs your CSR; without, it generates a key pair and returns the private key once (never stored).',
  service: 'ca',
  permission: 'system.docker_operate',
  mutating: true,
  input: z.object({
    ttl: z.string().regex(/^\d+[smh]$/, 'a duration like "8h", "30m"').optional().describe('at most 12h; default 8h'),
    csr_pem: pem.optional(),
  }),
  output: z.object({
    serial: z.string(),
    not_after: z.string(),
    ca_pem: z.string().describe('save as ~/.powernode/operator-ca.pem'),
    cert_pem: z.string().describe('the certificate followed by its intermediate; save as ~/.powernode/operator-cert.pem'),
    key_pem: z.string().optional().describe('save as ~/.powernode/operator-key.pem (mode 0600); only when no CSR was given'),
  }),
});

/** Internal: platform services ask the CA to sign (the CA decides names from what the service says about platform state). */
export const caSign = defineAction({
  name: 'ca_sign',
  description: 'Sign a CSR with a profile; platform services only.',
  service: 'ca',
  permission: 'ca.admin',
  mutating: true,
  internal: true,
  input: z.object({
    profile: z.enum(CERTIFICATE_PROFILES),
    csr_pem: pem,
    /** Facts from platform state the profile turns into names; never read from the CSR. */
    subject: z.object({
      instance_id: z.string().min(1).max(128).optional(),
      overlay_address: z.string().max(64).optional(),
      host_name: z.string().max(253).optional(),
      operator: z.string().max(128).optional(),
      dns_names: z.array(z.string().max(253)).max(16).optional(),
      ip_addresses: z.array(z.string().max(64)).max(16).optional(),
    }),
    ttl_seconds: z.number().int().positive().optional(),
  }),
  output: z.object({ serial: z.string(), cert_pem: z.string(), chain_pem: z.array(z.string()), not_after: z.string(), fingerprint_sha256: z.string() }),
});

/** Internal: the CA's adapter and preflight, for platform_provisioning_status. */
export const caStatus = defineAction({
  name: 'ca_status',
  description: 'CA adapter and preflight; platform services only.',
  service: 'ca',
  permission: 'system.platform_read',
  mutating: false,
  internal: true,
  input: z.object({}),
  output: z.object({
    ca_adapter: z.enum(['LocalCaAdapter', 'VaultCaAdapter']),
    can_sign: z.boolean(),
    chain_valid: z.boolean(),
    intermediate_days_left: z.number(),
    error: z.string().optional(),
  }),
});
