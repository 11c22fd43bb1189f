import type { NatsConnection } from '@nats-io/transport-node';
import type { AggregateRef } from '@powernode/contracts';
import { connectTestNats, dropTestResources, uniqueName } from '@powernode/testing';
import { ConcurrencyConflict } from './concurrency-conflict.js';
import { EventStore } from './event-store.js';
import { handleCommand, type Decider } from './handle-command.js';
import { ensureStream, type EventStoreConfig } from './stream-config.js';
import { counterDecider, counterRegistry, INCREMENTED, type CounterCommand, type CounterState } from './test/counter.fixture.js';

const meta = { actor: 'test' };

describe(handleCommand.name, () => {
  let nc: NatsConnection;
  let config: EventStoreConfig;
  let store: EventStore;
  const ref = (): AggregateRef => ({ context: 'test', aggregate: 'counter', id: uniqueName('c') });

  beforeAll(async () => {
    nc = await connectTestNats();
    config = { stream: uniqueName('ES'), subjectPrefix: uniqueName('es') };
    await ensureStream(nc, config);
    store = new EventStore(nc, config, counterRegistry());
  });
  afterAll(async () => {
    await dropTestResources(nc, [config.stream], []);
    await nc.close();
  });

  it('converges with 8 concurrent callers: no lost or duplicated event', async () => {
    const r = ref();
    const perCaller = 5;
    const callers = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < perCaller; i += 1) {
        await handleCommand(store, r, counterDecider(), { type: 'increment', by: 1 }, meta, { maxAttempts: 50 });
      }
    });
    await Promise.all(callers);
    const loaded = await store.load(r);
    expect(loaded.version).toBe(8 * perCaller);
    expect(new Set(loaded.events.map((e) => e.id)).size).toBe(8 * perCaller);
    expect(loaded.events.map((e) => e.aggregate_version)).toEqual(Array.from({ length: 8 * perCaller }, (_, i) => i + 1));
  });

  it("decides on a state that includes another writer's events since its own last command", async () => {
    const r = ref();
    const other = new EventStore(nc, config, counterRegistry());
    await handleCommand(store, r, counterDecider(), { type: 'increment', by: 1 }, meta);
    await handleCommand(other, r, counterDecider(), { type: 'increment', by: 10 }, meta);
    const sut = await handleCommand(store, r, counterDecider(), { type: 'increment', by: 100 }, meta);
    expect(sut.state).toEqual({ count: 111 });
    expect((await handleCommand(other, r, counterDecider(), { type: 'increment', by: 1000 }, meta)).state).toEqual({ count: 1111 });
  });

  it('returns the evolved state and position of the append', async () => {
    const r = ref();
    await handleCommand(store, r, counterDecider(), { type: 'increment', by: 2 }, meta);
    const sut = await handleCommand(store, r, counterDecider(), { type: 'increment', by: 3 }, meta);
    expect(sut.state).toEqual({ count: 5 });
    expect(sut.version).toBe(2);
    expect((await store.load(r)).position).toBe(sut.position);
  });

  it('appends nothing when decide returns no events', async () => {
    const r = ref();
    const first = await handleCommand(store, r, counterDecider(), { type: 'increment', by: 4 }, meta);
    const sut = await handleCommand(store, r, counterDecider(), { type: 'increment', by: 0 }, meta);
    expect(sut).toMatchObject({ events: [], version: 1, position: first.position, duplicate: false, state: { count: 4 } });
    expect((await store.load(r)).version).toBe(1);
  });

  it('propagates a domain error from decide without retrying', async () => {
    const r = ref();
    let decisions = 0;
    const base = counterDecider(3);
    const decider: Decider<CounterState, CounterCommand> = { ...base, decide: (c, s) => (decisions++, base.decide(c, s)) };
    await expect(handleCommand(store, r, decider, { type: 'increment', by: 5 }, meta)).rejects.toMatchObject({ code: 'IllegalState' });
    expect(decisions).toBe(1);
    expect((await store.load(r)).version).toBe(0);
  });

  it('gives up with ConcurrencyConflict after maxAttempts when a rival always wins', async () => {
    const r = ref();
    let decisions = 0;
    const base = counterDecider();
    const counting: Decider<CounterState, CounterCommand> = {
      ...base,
      decide: (c, s) => {
        decisions += 1;
        return base.decide(c, s);
      },
    };
    // A rival writes between this caller's load and its append, every time.
    const interfering = {
      load: async (x: AggregateRef) => {
        const loaded = await store.load(x);
        await store.append(x, { version: loaded.version, position: loaded.position }, [{ kind: INCREMENTED, data: { by: 1, note: 'rival' } }], meta);
        return loaded;
      },
      append: store.append.bind(store),
    } as unknown as EventStore;
    await expect(handleCommand(interfering, r, counting, { type: 'increment', by: 1 }, meta, { maxAttempts: 3 })).rejects.toBeInstanceOf(ConcurrencyConflict);
    expect(decisions).toBe(3);
    expect((await store.load(r)).events.every((e) => e.data['note'] === 'rival')).toBe(true);
  });
});
