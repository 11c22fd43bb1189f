import { pino, type Logger } from 'pino';
import type { LogLevel } from './cli-args.js';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout. The agent never passes secrets to the logger; the redaction is a second line of
 * defence against a stray object carrying one.
 */
export function createAgentLogger(level: LogLevel): Logger {
  return pino({
    name: 'powernode-agent',
    level,
    base: { service: 'powernode-agent', pid: process.pid },
    redact: {
      paths: ['bootstrap_token', '*.bootstrap_token', 'bootstrapToken', '*.bootstrapToken', 'keyPem', '*.keyPem', 'key', '*.key', 'private_key', '*.private_key'],
      censor: '[redacted]',
    },
  });
}
