import 'reflect-metadata';
import { runService } from '@powernode/service-kit';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway-app.js';

runService('gateway', loadGatewayConfig, async (config, logger) => {
  const gateway = await startGateway(config, logger);
  logger.info({ http: gateway.httpUrl, grpc: gateway.grpcAddress, mcp: `${gateway.httpUrl}/mcp` }, 'gateway ready');
  // Printed, not just logged: the operator needs the path (never the token) to make a first call.
  process.stdout.write(
    `\nOperator token: ${gateway.tokenPath}\n  curl -H "Authorization: Bearer $(cat ${gateway.tokenPath})" -X POST ${gateway.httpUrl}/api/v1/actions/platform_provisioning_status\n` +
      `MCP: ${gateway.httpUrl}/mcp   gRPC: ${gateway.grpcAddress} (npm run grpc:list)   Swagger UI: ${gateway.httpUrl}/docs\n` +
      `Next, in another terminal: npm run tutorial   (Tutorial 03 through MCP: a Docker host, a container, three verifications)\n\n`,
  );
  return gateway;
});
