import 'reflect-metadata';
import { ConfigError, createLogger, startTelemetry } from '@powernode/service-kit';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway-app.js';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const telemetry = startTelemetry({ serviceName: config.OTEL_SERVICE_NAME ?? 'powernode-gateway', otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const gateway = await startGateway(config, logger);
  logger.info({ http: gateway.httpUrl, grpc: gateway.grpcAddress, mcp: `${gateway.httpUrl}/mcp` }, 'gateway ready');
  // Printed, not just logged: the operator needs the path (never the token) to make a first call.
  process.stdout.write(`\nOperator token: ${gateway.tokenPath}\n  curl -H "Authorization: Bearer $(cat ${gateway.tokenPath})" -X POST ${gateway.httpUrl}/api/v1/actions/platform_provisioning_status\n\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await gateway.close();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`gateway failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
