import { z } from 'zod';
import { loadConfig } from '@powernode/service-kit';
import type { VaultCaConfig } from './vault-config.js';

const segment = z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'must be a Vault path segment');

/** The environment the Vault CA adapter reads; exactly one of VAULT_TOKEN or VAULT_ROLE_ID+VAULT_SECRET_ID. */
export const vaultCaEnv = z
  .object({
    VAULT_ADDR: z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }),
    VAULT_TOKEN: z.string().optional(),
    VAULT_ROLE_ID: z.string().optional(),
    VAULT_SECRET_ID: z.string().optional(),
    VAULT_PKI_MOUNT: segment.default('pki_int'),
    VAULT_PKI_ROLE: segment.default('node'),
    VAULT_NAMESPACE: z.string().optional(),
    /** `profile=role,profile=role`: a Vault role per profile, since each role fixes the EKUs it issues. */
    VAULT_PKI_PROFILE_ROLES: z
      .string()
      .regex(/^[a-z-]+=[A-Za-z0-9_.-]+(,[a-z-]+=[A-Za-z0-9_.-]+)*$/, 'must be profile=role pairs separated by commas')
      .optional(),
  })
  .superRefine((env, ctx) => {
    const appRole = env.VAULT_ROLE_ID !== undefined || env.VAULT_SECRET_ID !== undefined;
    if (env.VAULT_TOKEN !== undefined && appRole) {
      ctx.addIssue({ code: 'custom', path: ['VAULT_TOKEN'], message: 'set either VAULT_TOKEN or VAULT_ROLE_ID+VAULT_SECRET_ID, not both' });
    } else if (env.VAULT_TOKEN === undefined && !appRole) {
      ctx.addIssue({ code: 'custom', path: ['VAULT_TOKEN'], message: 'required (or VAULT_ROLE_ID+VAULT_SECRET_ID for AppRole)' });
    } else if (appRole) {
      if (env.VAULT_ROLE_ID === undefined) ctx.addIssue({ code: 'custom', path: ['VAULT_ROLE_ID'], message: 'required with VAULT_SECRET_ID' });
      if (env.VAULT_SECRET_ID === undefined) ctx.addIssue({ code: 'custom', path: ['VAULT_SECRET_ID'], message: 'required with VAULT_ROLE_ID' });
    }
  });

/** Builds the adapter config from env; throws ConfigError naming every bad variable. */
export function vaultConfigFromEnv(env: NodeJS.ProcessEnv = process.env): VaultCaConfig {
  const parsed = loadConfig(vaultCaEnv, env);
  return {
    address: parsed.VAULT_ADDR,
    mount: parsed.VAULT_PKI_MOUNT,
    role: parsed.VAULT_PKI_ROLE,
    namespace: parsed.VAULT_NAMESPACE,
    ...(parsed.VAULT_PKI_PROFILE_ROLES
      ? { profileRoles: Object.fromEntries(parsed.VAULT_PKI_PROFILE_ROLES.split(',').map((pair) => pair.split('=') as [string, string])) }
      : {}),
    auth:
      parsed.VAULT_TOKEN !== undefined
        ? { token: parsed.VAULT_TOKEN }
        : { roleId: parsed.VAULT_ROLE_ID ?? '', secretId: parsed.VAULT_SECRET_ID ?? '' },
  };
}
