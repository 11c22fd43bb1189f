import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DATABASE_URL, TEST_NATS_URL, connectTestNats, dropTestResources, uniqueName } from '@powernode/testing';
import { createLogger } from '@powernode/service-kit';
import { loadGatewayConfig, type GatewayConfig } from '../config.js';
import { startGateway, type RunningGateway } from '../gateway-app.js';

export interface TestGateway extends RunningGateway {
  config: GatewayConfig;
  adminToken: string;
  /** Stops the gateway and drops its stream, schema and state directory. */
  destroy(): Promise<void>;
}

/** A real gateway on real NATS and PostgreSQL, isolated by a random stream, subjects, schema and ports. */
export async function startTestGateway(overrides: Partial<Record<keyof GatewayConfig, string>> = {}): Promise<TestGateway> {
  const id = uniqueName('gw');
  const stateDir = await mkdtemp(join(tmpdir(), 'powernode-gw-'));
  const config = loadGatewayConfig({
    NATS_URL: TEST_NATS_URL,
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: id,
    EVENT_STREAM: id.toUpperCase(),
    EVENT_SUBJECT_PREFIX: `${id}.system`,
    RPC_SUBJECT_PREFIX: `${id}.rpc`,
    GATEWAY_HTTP_PORT: '0',
    GATEWAY_GRPC_ADDR: '127.0.0.1:0',
    POWERNODE_STATE_DIR: stateDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  });
  const gateway = await startGateway(config, createLogger('gateway', config.LOG_LEVEL));
  const adminToken = (await readFile(gateway.tokenPath, 'utf8')).trim();
  return {
    ...gateway,
    config,
    adminToken,
    destroy: async () => {
      await gateway.close();
      const nc = await connectTestNats();
      await dropTestResources(nc, [config.EVENT_STREAM], [config.DATABASE_SCHEMA]);
      await nc.close();
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
