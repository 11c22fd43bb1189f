import { z } from 'zod';
import { ROLE_NAMES } from '../permissions.js';
import type { EventKindVersion } from '../event-registry.js';

export const accountCreated = z.object({
  account_id: z.string().min(1),
  name: z.string().min(1).max(128),
  roles: z.array(z.enum(ROLE_NAMES)).min(1),
});

/** Only the SHA-256 of a token is ever stored; the token itself is shown once. */
export const tokenIssued = z.object({
  account_id: z.string().min(1),
  token_id: z.string().min(1),
  label: z.string().max(128),
  token_sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const tokenRevoked = z.object({
  account_id: z.string().min(1),
  token_id: z.string().min(1),
});

export const IDENTITY_EVENTS: EventKindVersion[] = [
  { kind: 'system.identity.account.created', version: 1, schema: accountCreated },
  { kind: 'system.identity.token.issued', version: 1, schema: tokenIssued },
  { kind: 'system.identity.token.revoked', version: 1, schema: tokenRevoked },
];
