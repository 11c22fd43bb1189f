import { z } from 'zod';
import { ROLE_NAMES } from '../permissions.js';
import { defineAction } from './action.js';

const account = z.object({ id: z.string(), name: z.string(), roles: z.array(z.string()) });

export const identityCreateAccount = defineAction({
  name: 'identity_create_account',
  description: 'Create an operator account with roles.',
  service: 'gateway',
  permission: 'system.identity_admin',
  mutating: true,
  input: z.object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, "-" and "_" (it is the account id)'),
    roles: z.array(z.enum(ROLE_NAMES)).min(1),
  }),
  output: z.object({ account }),
});

export const identityIssueToken = defineAction({
  name: 'identity_issue_token',
  description: 'Issue a bearer API token for an account. The token is returned once and only its hash is kept.',
  service: 'gateway',
  permission: 'system.identity_admin',
  mutating: true,
  input: z.object({ account_id: z.string().min(1), label: z.string().max(128).default('') }),
  output: z.object({ token_id: z.string(), token: z.string() }),
});

export const identityRevokeToken = defineAction({
  name: 'identity_revoke_token',
  description: 'Revoke a bearer API token.',
  service: 'gateway',
  permission: 'system.identity_admin',
  mutating: true,
  input: z.object({ account_id: z.string().min(1), token_id: z.string().min(1) }),
  output: z.object({ token_id: z.string(), revoked: z.boolean() }),
});

export const identityWhoami = defineAction({
  name: 'identity_whoami',
  description: 'The calling account and its permissions.',
  service: 'gateway',
  permission: 'system.platform_read',
  mutating: false,
  input: z.object({}),
  output: z.object({ account, permissions: z.array(z.string()) }),
});
