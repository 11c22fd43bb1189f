import { z } from 'zod';
import { UsageError } from '../errors.js';

const subjectPrefix = z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/);

/** What the hub reads from its environment: the platform's NATS and the internal-action token. */
export const hubEnv = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  RPC_SUBJECT_PREFIX: subjectPrefix.default('powernode.rpc'),
  EVENT_SUBJECT_PREFIX: subjectPrefix.default('system'),
  PLATFORM_SERVICE_TOKEN: z.string().min(32, 'at least 32 characters'),
  /** Seconds between rounds when no SDWAN event arrives: re-converges and reports handshakes. */
  POWERNODE_HUB_INTERVAL_S: z.coerce.number().int().min(1).max(300).default(10),
});

export type HubConfig = z.infer<typeof hubEnv>;

/** Validates once, naming every bad variable (never echoing the token). */
export function loadHubConfig(env: NodeJS.ProcessEnv): HubConfig {
  const parsed = hubEnv.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new UsageError(`--role platform: bad environment: ${problems.join('; ')}`);
}
