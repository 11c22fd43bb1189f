import { z } from 'zod';
import { ConfigError, baseServiceEnv, loadConfig } from './config.js';

describe(loadConfig.name, () => {
  it('applies defaults', () => {
    const config = loadConfig(baseServiceEnv, {});
    expect(config).toMatchObject({ NATS_URL: 'nats://127.0.0.1:4222', EVENT_STREAM: 'POWERNODE_EVENTS', EVENT_SUBJECT_PREFIX: 'system' });
  });

  it('names every bad variable at once', () => {
    const schema = baseServiceEnv.extend({ PORT: z.coerce.number().int() });
    let error: unknown;
    try {
      loadConfig(schema, { DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', PORT: 'eighty' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
    expect((error as Error).message).toMatch(/DATABASE_URL/);
  });
});
