import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropTestPlatform, eventually, testPlatformEnv } from '@powernode/testing';
import { pino, type Logger } from 'pino';
import { loadDockerProxyConfig } from '../config.js';
import { startDockerProxy, type RunningDockerProxy } from '../docker-proxy-app.js';
import { startPlatformRegistry } from '../registry/platform-registry.js';
import { HealthMonitor } from './health-monitor.js';

/** A debug logger that counts one replica's probe rounds. */
function countingLogger(): { logger: Logger; rounds: () => number } {
  let rounds = 0;
  const logger = pino({ level: 'debug' }, { write: (line: string) => void (JSON.parse(line).msg === 'health probe round' && (rounds += 1)) });
  return { logger, rounds: () => rounds };
}

describe(`${HealthMonitor.name} with two replicas`, () => {
  const platform = testPlatformEnv();
  let dir: string;
  const replicas: RunningDockerProxy[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'powernode-lease-'));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await dropTestPlatform(platform, ['docker_proxy']);
    await rm(dir, { recursive: true, force: true });
  });

  it('probes on the lease holder only, serves the registry there, and hands both over when the holder stops', async () => {
    // Same schema, same NATS, same registry address: two replicas of one docker-proxy. No CA runs, so the holder's
    // registry keeps retrying its certificate: enough to tell the holder (an error of its own) from the standby.
    const config = loadDockerProxyConfig({
      ...platform.env,
      DATABASE_SCHEMA: platform.schemaOf('docker_proxy'),
      DOCKER_PROBE_INTERVAL_S: '0.2',
      PLATFORM_REGISTRY_ADDR: '127.0.0.1:5999',
      PLATFORM_REGISTRY_DIR: join(dir, 'registry'),
    });
    const [first, second] = [countingLogger(), countingLogger()];
    const a = await startDockerProxy(config, first.logger, { startRegistry: startPlatformRegistry });
    replicas.push(a);
    const b = await startDockerProxy(config, second.logger, { startRegistry: startPlatformRegistry });
    replicas.push(b);
    expect([a.lease.isHeld(), b.lease.isHeld()]).toEqual([true, false]);

    await eventually(() => expect(first.rounds()).toBeGreaterThanOrEqual(5));
    expect(second.rounds()).toBe(0);
    expect(b.registry!.status()).toMatchObject({ ready: false, images: [], error: expect.stringMatching(/^standby/) });
    await eventually(() => expect(a.registry!.status().error).toMatch(/^(?!standby)/));

    await a.close();
    replicas.splice(replicas.indexOf(a), 1);
    const before = first.rounds();
    // The lease was released: the standby takes over at its next renewal (ttl/3), then probes at its next round.
    await eventually(() => expect(second.rounds()).toBeGreaterThanOrEqual(3), { timeoutMs: 8_000 });
    expect(b.lease.isHeld()).toBe(true);
    expect(first.rounds()).toBe(before);
    await eventually(() => expect(b.registry!.status().error).toMatch(/^(?!standby)/));
  }, 60_000);
});
