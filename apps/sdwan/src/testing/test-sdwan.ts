import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { RpcClient, connectNats, createLogger, type LogDestination } from '@powernode/service-kit';
import { actionCaller, dropTestPlatform, testPlatformEnv, type ActionCall, type TestPlatformEnv } from '@powernode/testing';
import { loadSdwanConfig, type SdwanConfig } from '../config.js';
import { startSdwan, type RunningSdwan } from '../sdwan-app.js';

export interface TestSdwan extends RunningSdwan {
  config: SdwanConfig;
  platform: TestPlatformEnv;
  /** Calls an sdwan action over NATS: as the platform (service token) by default, or as an operator. */
  call: ActionCall;
  streamMessages(): Promise<number>;
  /** Every stored message's raw text, for checks like "this secret is in no event". */
  streamText(): Promise<string>;
  destroy(options?: { keepData?: boolean }): Promise<void>;
}

/** A real sdwan service on real NATS and PostgreSQL, its bootstrap endpoint on a free loopback port. */
export async function startTestSdwan(platform: TestPlatformEnv = testPlatformEnv(), overrides: Record<string, string> = {}, options: { logs?: LogDestination } = {}): Promise<TestSdwan> {
  const config = loadSdwanConfig({ ...platform.env, DATABASE_SCHEMA: platform.schemaOf('sdwan'), SDWAN_HTTP_PORT: '0', ...overrides });
  const sdwan = await startSdwan(config, createLogger('sdwan', config.LOG_LEVEL, options.logs));
  const nc: NatsConnection = await connectNats(config.NATS_URL, 'sdwan-test-client');
  const rpc = new RpcClient(nc, config.RPC_SUBJECT_PREFIX, { serviceToken: config.PLATFORM_SERVICE_TOKEN });
  return {
    ...sdwan,
    config,
    platform,
    call: actionCaller(rpc),
    streamMessages: async () => (await (await jetstreamManager(nc)).streams.info(config.EVENT_STREAM)).state.messages,
    streamText: async () => {
      const jsm = await jetstreamManager(nc);
      const last = (await jsm.streams.info(config.EVENT_STREAM)).state.last_seq;
      const texts: string[] = [];
      for (let seq = 1; seq <= last; seq += 1) {
        const msg = await jsm.streams.getMessage(config.EVENT_STREAM, { seq }).catch(() => null);
        if (msg) texts.push(new TextDecoder().decode(msg.data));
      }
      return texts.join('\n');
    },
    destroy: async ({ keepData = false } = {}) => {
      await nc.close();
      await sdwan.close();
      if (!keepData) await dropTestPlatform(platform, ['sdwan']);
    },
  };
}
