import { ConfigError } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { startTelemetry } from './telemetry.js';

interface ServiceConfig {
  LOG_LEVEL: string;
  OTEL_SERVICE_NAME?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}

/**
 * A service process's life: validate config once (exit 1 naming every bad variable), start
 * telemetry, start the service, and on SIGINT/SIGTERM close it gracefully and exit 0.
 */
export function runService<C extends ServiceConfig>(
  name: string,
  loadConfig: () => C,
  start: (config: C, logger: Logger) => Promise<{ close(): Promise<void> }>,
): void {
  const main = async () => {
    const config = loadConfig();
    const logger = createLogger(name, config.LOG_LEVEL);
    const telemetry = startTelemetry({ serviceName: config.OTEL_SERVICE_NAME ?? `powernode-${name}`, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
    const service = await start(config, logger);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      await service.close().catch((error: unknown) => logger.error({ err: error }, 'shutdown failed'));
      await telemetry.shutdown().catch(() => undefined);
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  };
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${name}: ${error.message}\n`);
    else process.stderr.write(`${name} failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
