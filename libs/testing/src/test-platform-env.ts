import { randomBytes } from 'node:crypto';
import { connectTestNats, dropTestResources, TEST_DATABASE_URL, TEST_NATS_URL } from './servers.js';
import { uniqueName } from './names.js';

/** Environment shared by every service of one isolated test platform: its own stream, subjects and token. */
export interface TestPlatformEnv {
  id: string;
  env: Record<string, string>;
  /** The schema a given service of this platform uses. */
  schemaOf(service: string): string;
}

export function testPlatformEnv(): TestPlatformEnv {
  const id = uniqueName('pn');
  return {
    id,
    env: {
      NATS_URL: TEST_NATS_URL,
      DATABASE_URL: TEST_DATABASE_URL,
      EVENT_STREAM: id.toUpperCase(),
      EVENT_SUBJECT_PREFIX: `${id}.system`,
      RPC_SUBJECT_PREFIX: `${id}.rpc`,
      PLATFORM_SERVICE_TOKEN: randomBytes(32).toString('base64url'),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    },
    schemaOf: (service) => `${id}_${service.replace(/-/g, '_')}`,
  };
}

/** Drops the stream and the given services' schemas of a test platform. */
export async function dropTestPlatform(platform: TestPlatformEnv, services: string[]): Promise<void> {
  const nc = await connectTestNats();
  try {
    await dropTestResources(nc, [platform.env.EVENT_STREAM!], services.map((s) => platform.schemaOf(s)));
  } finally {
    await nc.close();
  }
}
