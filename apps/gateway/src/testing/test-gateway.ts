import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropTestPlatform, testPlatformEnv, type TestPlatformEnv } from '@powernode/testing';
import { createLogger, type LogDestination } from '@powernode/service-kit';
import { loadGatewayConfig, type GatewayConfig } from '../config.js';
import { startGateway, type RunningGateway } from '../gateway-app.js';

export interface TestGateway extends RunningGateway {
  config: GatewayConfig;
  adminToken: string;
  /** Stops the gateway and drops its stream (unless shared), schema and state directory. */
  destroy(): Promise<void>;
}

/**
 * A real gateway on real NATS and PostgreSQL, isolated by a random stream, subjects, schema and
 * ports. Pass `platform` to join other services of the same test platform.
 */
export async function startTestGateway(
  platform: TestPlatformEnv = testPlatformEnv(),
  overrides: Record<string, string> = {},
  options: { logs?: LogDestination } = {},
): Promise<TestGateway> {
  const stateDir = await mkdtemp(join(tmpdir(), 'powernode-gw-'));
  const config = loadGatewayConfig({
    ...platform.env,
    DATABASE_SCHEMA: platform.schemaOf('gateway'),
    GATEWAY_HTTP_PORT: '0',
    GATEWAY_GRPC_ADDR: '127.0.0.1:0',
    POWERNODE_STATE_DIR: stateDir,
    ...overrides,
  });
  const gateway = await startGateway(config, createLogger('gateway', config.LOG_LEVEL, options.logs));
  const adminToken = (await readFile(gateway.tokenPath, 'utf8')).trim();
  return {
    ...gateway,
    config,
    adminToken,
    destroy: async () => {
      await gateway.close();
      await dropTestPlatform(platform, ['gateway']);
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** POSTs an action over HTTP and returns status and parsed body. */
export async function postAction(gateway: RunningGateway, name: string, body: unknown, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${gateway.httpUrl}/api/v1/actions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}
