import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';
/** Where a logger writes its JSON lines instead of stdout (tests capture them). */
export type LogDestination = DestinationStream;

/** JSON logs on stdout (or `destination`). Secrets are redacted by path so a stray log line cannot leak them. */
export function createLogger(service: string, level = 'info', destination?: LogDestination): Logger {
  const options: LoggerOptions = {
    name: service,
    level,
    // pid tells replicas apart: under scripts/replicas.mjs they share one stdout (pino's default base has it too).
    base: { service, pid: process.pid },
    redact: {
      paths: ['authorization', '*.authorization', 'headers.authorization', 'token', '*.token', 'private_key', '*.private_key'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
