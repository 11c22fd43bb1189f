import type { NatsConnection } from '@nats-io/transport-node';
import { handshakeActions } from '@powernode/contracts';
import { RpcClient, connectNats, createLogger, type LogDestination } from '@powernode/service-kit';
import { actionCaller, dropTestPlatform, testPlatformEnv, type ActionCall, type TestPlatformEnv } from '@powernode/testing';
import { loadHandshakeConfig, type HandshakeConfig } from '../config.js';
import { startHandshake, type RunningHandshake } from '../handshake-app.js';

export interface TestHandshake extends RunningHandshake {
  config: HandshakeConfig;
  platform: TestPlatformEnv;
  /** A bootstrap token for an instance, through the internal action as a platform service. */
  issueToken(instanceId: string): Promise<{ token: string; expires_at: string }>;
  /** Calls an action over NATS: as the platform (service token) by default, or as an operator. */
  call: ActionCall;
  destroy(options?: { keepData?: boolean }): Promise<void>;
}

/** A real handshake service (needs the platform's CA running) on loopback with an ephemeral port. */
export async function startTestHandshake(
  platform: TestPlatformEnv = testPlatformEnv(),
  overrides: Record<string, string> = {},
  options: { logs?: LogDestination } = {},
): Promise<TestHandshake> {
  const config = loadHandshakeConfig({ ...platform.env, DATABASE_SCHEMA: platform.schemaOf('handshake'), HANDSHAKE_HOST: '127.0.0.1', HANDSHAKE_PORT: '0', ...overrides });
  const handshake = await startHandshake(config, createLogger('handshake', config.LOG_LEVEL, options.logs));
  const nc: NatsConnection = await connectNats(config.NATS_URL, 'handshake-test-client');
  const rpc = new RpcClient(nc, config.RPC_SUBJECT_PREFIX, { serviceToken: config.PLATFORM_SERVICE_TOKEN });
  return {
    ...handshake,
    config,
    platform,
    issueToken: async (instanceId) => (await rpc.callInternal(handshakeActions.handshakeIssueBootstrapToken, { instance_id: instanceId }, 'test')) as { token: string; expires_at: string },
    call: actionCaller(rpc),
    destroy: async ({ keepData = false } = {}) => {
      await nc.close();
      await handshake.close();
      if (!keepData) await dropTestPlatform(platform, ['handshake']);
    },
  };
}
