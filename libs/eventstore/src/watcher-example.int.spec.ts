import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { NatsConnection } from '@nats-io/transport-node';
import { TEST_NATS_URL, connectTestNats, dropTestResources, eventually, uniqueName } from '@powernode/testing';
import { EventStore } from './event-store.js';
import { ensureStream, type EventStoreConfig } from './stream-config.js';
import { counterRegistry, INCREMENTED } from './test/counter.fixture.js';

// The README's watcher (examples/watch-events.mjs) uses nothing of ours: a plain NATS subscriber.
describe('examples/watch-events.mjs', () => {
  let nc: NatsConnection;
  let config: EventStoreConfig;
  let watcher: ChildProcessWithoutNullStreams | undefined;

  beforeAll(async () => {
    nc = await connectTestNats();
    config = { stream: uniqueName('ES'), subjectPrefix: uniqueName('es') };
    await ensureStream(nc, config);
  });
  afterAll(async () => {
    watcher?.kill('SIGTERM');
    await dropTestResources(nc, [config.stream], []);
    await nc.close();
  });

  it('prints each event of a context as one JSON line', async () => {
    watcher = spawn(process.execPath, ['examples/watch-events.mjs', `${config.subjectPrefix}.test.>`], { env: { ...process.env, NATS_URL: TEST_NATS_URL } });
    let out = '';
    watcher.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const store = new EventStore(nc, config, counterRegistry());
    // The watcher is subscribed once it prints an event appended after it started.
    let n = 0;
    await eventually(async () => {
      n += 1;
      await store.append({ context: 'test', aggregate: 'counter', id: `w${n}` }, { version: 0, position: 0 }, [{ kind: INCREMENTED, data: { by: n, note: '' } }], {
        actor: 'operator:watcher-test',
      });
      expect(out).toMatch(/\n/);
    });
    const line = JSON.parse(out.trim().split('\n')[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ kind: INCREMENTED, version: 1, actor: 'operator:watcher-test', data: { note: '' } });
    expect(line.subject).toMatch(new RegExp(`^${config.subjectPrefix}\\.test\\.counter\\.w\\d+$`));
  });
});
