import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** JSON logs on stdout. Secrets are redacted by path so a stray log line cannot leak them. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    // pid tells replicas apart: under scripts/replicas.mjs they share one stdout (pino's default base has it too).
    base: { service, pid: process.pid },
    redact: {
      paths: ['authorization', '*.authorization', 'headers.authorization', 'token', '*.token', 'private_key', '*.private_key'],
      censor: '[redacted]',
    },
  });
}
