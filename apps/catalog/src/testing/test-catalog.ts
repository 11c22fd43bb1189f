import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { RpcClient, connectNats, createLogger, type LogDestination } from '@powernode/service-kit';
import { actionCaller, dropTestPlatform, testPlatformEnv, type ActionCall, type TestPlatformEnv } from '@powernode/testing';
import { startCatalog, type RunningCatalog } from '../catalog-app.js';
import { loadCatalogConfig, type CatalogConfig } from '../config.js';

export interface TestCatalog extends RunningCatalog {
  config: CatalogConfig;
  platform: TestPlatformEnv;
  /** Calls a catalog action over NATS, by default as an admin operator (`operator:<caller>` is the actor). */
  call: ActionCall;
  /** Messages in the platform's event stream (each is one commit). */
  streamMessages(): Promise<number>;
  destroy(options?: { keepData?: boolean }): Promise<void>;
}

export function testCatalogConfig(platform: TestPlatformEnv, overrides: Record<string, string> = {}): CatalogConfig {
  // Record-only unless a test asks for the local provider (real namespaces and agents).
  return loadCatalogConfig({ ...platform.env, DATABASE_SCHEMA: platform.schemaOf('catalog'), INSTANCE_PROVIDER: 'none', ...overrides });
}

/** A real catalog service on real NATS and PostgreSQL, isolated like every test platform. */
export async function startTestCatalog(platform: TestPlatformEnv = testPlatformEnv(), overrides: Record<string, string> = {}, options: { logs?: LogDestination } = {}): Promise<TestCatalog> {
  const config = testCatalogConfig(platform, overrides);
  const catalog = await startCatalog(config, createLogger('catalog', config.LOG_LEVEL, options.logs));
  const nc: NatsConnection = await connectNats(config.NATS_URL, 'catalog-test-client');
  const rpc = new RpcClient(nc, config.RPC_SUBJECT_PREFIX, { serviceToken: config.PLATFORM_SERVICE_TOKEN });
  return {
    ...catalog,
    config,
    platform,
    call: actionCaller(rpc),
    streamMessages: async () => (await (await jetstreamManager(nc)).streams.info(config.EVENT_STREAM)).state.messages,
    destroy: async ({ keepData = false } = {}) => {
      await nc.close();
      await catalog.close();
      if (!keepData) await dropTestPlatform(platform, ['catalog']);
    },
  };
}

/**
 * Overrides for a catalog whose local provider runs real instances: namespaces under `prefix`, each with the built
 * agent dialling the test handshake. Only events drive the provider (no periodic reconcile), so a test that kills
 * an agent decides when it comes back.
 */
export function localProviderOverrides(options: { prefix: string; agentEntry: string; handshakePort: number; stateDir: string }): Record<string, string> {
  return {
    INSTANCE_PROVIDER: 'local',
    INSTANCE_NAME_PREFIX: options.prefix,
    AGENT_ENTRY: options.agentEntry,
    AGENT_PLATFORM_PORT: String(options.handshakePort),
    INSTANCE_RECONCILE_INTERVAL_S: '3600',
    POWERNODE_STATE_DIR: options.stateDir,
  };
}
