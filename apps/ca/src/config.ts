import { z } from 'zod';
import { baseServiceEnv, loadConfig } from '@powernode/service-kit';

export const caEnv = baseServiceEnv.extend({
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('ca'),
  POWERNODE_CA_MODE: z.enum(['local', 'vault']).default('local'),
  CA_HTTP_HOST: z.string().default('127.0.0.1'),
  CA_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8089),
  /** base64 of 32 bytes; encrypts the local CA's private keys at rest. Unset: `<state dir>/ca-kek`, created on first start. */
  CA_KEK: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be base64 of exactly 32 bytes')
    .optional(),
  /** A directory with root.pem, intermediate.pem and intermediate.key: use that CA instead of generating one. */
  CA_FIXTURE_DIR: z.string().optional(),
  POWERNODE_STATE_DIR: z.string().default('.powernode'),
  // Read only with POWERNODE_CA_MODE=vault (checked then by vaultConfigFromEnv).
  VAULT_ADDR: z.url().optional(),
  VAULT_TOKEN: z.string().optional(),
  VAULT_ROLE_ID: z.string().optional(),
  VAULT_SECRET_ID: z.string().optional(),
  VAULT_PKI_MOUNT: z.string().default('pki_int'),
  VAULT_PKI_ROLE: z.string().default('node'),
  VAULT_NAMESPACE: z.string().optional(),
  VAULT_PKI_PROFILE_ROLES: z.string().optional(),
});

export type CaConfig = z.infer<typeof caEnv>;

export function loadCaConfig(env: NodeJS.ProcessEnv = process.env): CaConfig {
  return loadConfig(caEnv, env);
}
