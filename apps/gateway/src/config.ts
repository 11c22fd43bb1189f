import { z } from 'zod';
import { baseServiceEnv, loadConfig } from '@powernode/service-kit';

export const gatewayEnv = baseServiceEnv.extend({
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('gateway'),
  GATEWAY_HTTP_HOST: z.string().default('127.0.0.1'),
  GATEWAY_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  GATEWAY_GRPC_ADDR: z.string().regex(/^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/, 'must be host:port').default('127.0.0.1:50051'),
  POWERNODE_STATE_DIR: z.string().default('.powernode'),
});

export type GatewayConfig = z.infer<typeof gatewayEnv>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayEnv, env);
}
