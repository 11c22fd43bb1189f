import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RpcClient, connectNats, createLogger, serviceCaller, type LogDestination } from '@powernode/service-kit';
import { dropTestPlatform, testPlatformEnv, type TestPlatformEnv } from '@powernode/testing';
import type { ActionDef } from '@powernode/contracts';
import type { NatsConnection } from '@nats-io/transport-node';
import { startCa, type RunningCa } from '../ca-app.js';
import { loadCaConfig, type CaConfig } from '../config.js';

export interface TestCa extends RunningCa {
  config: CaConfig;
  platform: TestPlatformEnv;
  /** Calls a CA action over NATS as a platform service (internal actions get the service token). */
  call(action: ActionDef, input: unknown, options?: { serviceToken?: string | null; caller?: string }): Promise<any>;
  destroy(options?: { keepData?: boolean }): Promise<void>;
}

/** A real CA service on real NATS and PostgreSQL, isolated like every test platform. */
export async function startTestCa(platform: TestPlatformEnv = testPlatformEnv(), overrides: Record<string, string> = {}, options: { logs?: LogDestination } = {}): Promise<TestCa> {
  const stateDir = await mkdtemp(join(tmpdir(), 'powernode-ca-'));
  const config = loadCaConfig({
    ...platform.env,
    DATABASE_SCHEMA: platform.schemaOf('ca'),
    CA_HTTP_PORT: '0',
    POWERNODE_STATE_DIR: stateDir,
    CA_KEK: Buffer.alloc(32, 7).toString('base64'),
    ...overrides,
  });
  const ca = await startCa(config, createLogger('ca', config.LOG_LEVEL, options.logs));
  const nc: NatsConnection = await connectNats(config.NATS_URL, 'ca-test-client');
  return {
    ...ca,
    config,
    platform,
    call: (action, input, options = {}) => {
      const token = options.serviceToken === undefined ? config.PLATFORM_SERVICE_TOKEN : (options.serviceToken ?? undefined);
      const rpc = new RpcClient(nc, config.RPC_SUBJECT_PREFIX, { serviceToken: token });
      const caller = options.caller ? { account_id: options.caller, name: options.caller, roles: ['admin'] } : serviceCaller('test');
      return rpc.call(action, { input, caller });
    },
    destroy: async ({ keepData = false } = {}) => {
      await nc.close();
      await ca.close();
      if (!keepData) await dropTestPlatform(platform, ['ca']);
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
