// The event log's durability on one NATS server (issue 10, item 6): the stream is on file storage, and every commit
// the server acknowledged is still there, in order and with contiguous versions, after the server is SIGKILLed and
// started again. The server is the test's own (a crash of the machine's shared one would break other tests).
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { PrivateNats, uniqueName } from '@powernode/testing';
import { EventStore } from './event-store.js';
import { ensureStream, type EventStoreConfig } from './stream-config.js';
import { counterRegistry, INCREMENTED } from './test/counter.fixture.js';

const AGGREGATES = 20;
const COMMITS_EACH = 10;

describe('the event log across a NATS crash', () => {
  let nats: PrivateNats;
  let nc: NatsConnection;
  const config: EventStoreConfig = { stream: uniqueName('DUR'), subjectPrefix: uniqueName('dur') };
  const ids = Array.from({ length: AGGREGATES }, (_, i) => `c${i}`);
  const ref = (id: string) => ({ context: 'test', aggregate: 'counter', id });

  beforeAll(async () => {
    nats = await PrivateNats.start();
    nc = await connect({ servers: nats.url, name: 'durability-test', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.destroy();
  });

  it('keeps every acknowledged commit through kill -9 and restart of the server, on file storage', async () => {
    const info = await ensureStream(nc, config);
    expect(info.config.storage).toBe(StorageType.File);
    const store = new EventStore(nc, config, counterRegistry());
    // Commits interleaved across aggregates, each awaited: an acknowledged append is a promise to the caller.
    const positions = new Map<string, number>();
    for (let n = 1; n <= COMMITS_EACH; n += 1) {
      await Promise.all(
        ids.map(async (id) => {
          const { position } = await store.append(ref(id), { version: n - 1, position: positions.get(id) ?? 0 }, [{ kind: INCREMENTED, data: { by: n, note: '' } }], { actor: 'test' });
          positions.set(id, position);
        }),
      );
    }
    const before = (await (await jetstreamManager(nc)).streams.info(config.stream)).state;
    expect(before.messages).toBe(AGGREGATES * COMMITS_EACH);

    await nats.restart(); // SIGKILL, then the same command on the same store directory
    const after = await eventuallyInfo(nc, config.stream);
    expect({ messages: after.messages, last_seq: after.last_seq }).toEqual({ messages: before.messages, last_seq: before.last_seq });
    // A fresh reader (nothing kept in memory) sees every aggregate whole.
    const reader = new EventStore(nc, config, counterRegistry());
    for (const id of ids) {
      const loaded = await reader.load(ref(id));
      expect(loaded.events.map((e) => [e.aggregate_version, e.data['by']])).toEqual(Array.from({ length: COMMITS_EACH }, (_, i) => [i + 1, i + 1]));
    }
    // And the log takes appends again where it stopped.
    const last = await reader.load(ref(ids[0]!));
    const next = await reader.append(ref(ids[0]!), { version: last.version, position: last.position }, [{ kind: INCREMENTED, data: { by: 99, note: '' } }], { actor: 'test' });
    expect(next.version).toBe(COMMITS_EACH + 1);
  }, 60_000);
});

/** Stream state once the restarted server answers (the client reconnects on its own). */
async function eventuallyInfo(nc: NatsConnection, stream: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return (await (await jetstreamManager(nc)).streams.info(stream)).state;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
