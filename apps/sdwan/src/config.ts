import { z } from 'zod';
import { baseServiceEnv, loadConfig } from '@powernode/service-kit';

export const sdwanEnv = baseServiceEnv.extend({
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('sdwan'),
  /** The small HTTP endpoint that serves one-time device bootstrap URLs (`/sdwan/device/<token>`). */
  SDWAN_HTTP_HOST: z.string().default('127.0.0.1'),
  SDWAN_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8091),
  /** Base of the bootstrap URLs handed to operators; defaults to http://<SDWAN_HTTP_HOST>:<port>. */
  SDWAN_PUBLIC_URL: z.url().optional(),
  /** How long a detached address is not reused. */
  SDWAN_ADDRESS_QUARANTINE_S: z.coerce.number().int().min(0).default(86_400),
  /** The longest access grant an operator may ask for (30 days). */
  SDWAN_GRANT_MAX_TTL_S: z.coerce.number().int().min(60).default(30 * 86_400),
  /** Lifetime of a one-time bootstrap URL (15 min). */
  SDWAN_BOOTSTRAP_TTL_S: z.coerce.number().int().min(1).default(900),
  /** How often expired access grants are swept. */
  SDWAN_GRANT_SWEEP_INTERVAL_S: z.coerce.number().int().min(1).default(30),
});

export type SdwanConfig = z.infer<typeof sdwanEnv>;

export function loadSdwanConfig(env: NodeJS.ProcessEnv = process.env): SdwanConfig {
  return loadConfig(sdwanEnv, env);
}
