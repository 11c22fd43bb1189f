import type { NatsConnection } from '@nats-io/transport-node';
import { RpcClient, connectNats, createLogger } from '@powernode/service-kit';
import { actionCaller, dropTestPlatform, testPlatformEnv, type ActionCall, type TestPlatformEnv } from '@powernode/testing';
import { loadDockerProxyConfig, type DockerProxyConfig } from '../config.js';
import { startDockerProxy, type DockerProxyExtras, type RunningDockerProxy } from '../docker-proxy-app.js';

export interface TestDockerProxy extends RunningDockerProxy {
  config: DockerProxyConfig;
  platform: TestPlatformEnv;
  /** Calls an action over NATS: as the platform (service token) by default, or as an operator with roles. */
  call: ActionCall;
  destroy(options?: { keepData?: boolean }): Promise<void>;
}

/** A real docker-proxy on real NATS and PostgreSQL (needs the platform's CA running for its client certificate). */
export async function startTestDockerProxy(platform: TestPlatformEnv = testPlatformEnv(), overrides: Record<string, string> = {}, extras: DockerProxyExtras = {}): Promise<TestDockerProxy> {
  const config = loadDockerProxyConfig({ ...platform.env, DATABASE_SCHEMA: platform.schemaOf('docker_proxy'), DOCKER_PROBE_INTERVAL_S: '1', DOCKER_PROBE_TIMEOUT_MS: '2000', ...overrides });
  const proxy = await startDockerProxy(config, createLogger('docker-proxy', config.LOG_LEVEL), extras);
  const nc: NatsConnection = await connectNats(config.NATS_URL, 'docker-proxy-test-client');
  const rpc = new RpcClient(nc, config.RPC_SUBJECT_PREFIX, { serviceToken: config.PLATFORM_SERVICE_TOKEN });
  return {
    ...proxy,
    config,
    platform,
    call: actionCaller(rpc),
    destroy: async ({ keepData = false } = {}) => {
      await nc.close();
      await proxy.close();
      if (!keepData) await dropTestPlatform(platform, ['docker_proxy']);
    },
  };
}
