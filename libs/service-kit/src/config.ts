import { z } from 'zod';

/** Variables every platform service reads. Services extend this with their own. */
export const baseServiceEnv = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').default('postgres://postgres@127.0.0.1:5432/powernode'),
  EVENT_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/).default('POWERNODE_EVENTS'),
  EVENT_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/).default('system'),
  EVENT_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  RPC_SUBJECT_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/).default('powernode.rpc'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().optional(),
  /** Shared by platform services for internal actions (e.g. `ca_sign`); `npm start` generates one. */
  PLATFORM_SERVICE_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
});
export type BaseServiceConfig = z.infer<typeof baseServiceEnv>;

/** Raised at boot when the environment is wrong; names every bad variable at once. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates `env` once against a schema; fail fast with every problem listed. */
export function loadConfig<S extends z.ZodObject<z.ZodRawShape>>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '(env)'), message: issue.message })),
  );
}
