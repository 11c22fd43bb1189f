import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { aggregateSubject, PlatformError, type AggregateRef } from '@powernode/contracts';
import { connectTestNats, dropTestResources, uniqueName } from '@powernode/testing';
import { ConcurrencyConflict } from './concurrency-conflict.js';
import { EventStore } from './event-store.js';
import { ensureStream, type EventStoreConfig } from './stream-config.js';
import { counterRegistry, INCREMENTED, RESET } from './test/counter.fixture.js';

const meta = { actor: 'test' };
const inc = (by: number) => ({ kind: INCREMENTED, data: { by, note: '' } });

describe(EventStore.name, () => {
  let nc: NatsConnection;
  let config: EventStoreConfig;
  let sut: EventStore;
  const ref = (): AggregateRef => ({ context: 'test', aggregate: 'counter', id: uniqueName('c') });
  const messagesOn = async (r: AggregateRef) => {
    const info = await (await jetstreamManager(nc)).streams.info(config.stream, { subjects_filter: aggregateSubject(config.subjectPrefix, r) });
    return info.state.subjects?.[aggregateSubject(config.subjectPrefix, r)] ?? 0;
  };

  beforeAll(async () => {
    nc = await connectTestNats();
    config = { stream: uniqueName('ES'), subjectPrefix: uniqueName('es') };
    await ensureStream(nc, config);
    sut = new EventStore(nc, config, counterRegistry());
  });
  afterAll(async () => {
    await dropTestResources(nc, [config.stream], []);
    await nc.close();
  });

  it('ensureStream is idempotent', async () => {
    const again = await ensureStream(nc, config);
    expect(again.config.subjects).toEqual([`${config.subjectPrefix}.>`]);
  });

  it('appends a new aggregate and loads it back with versions and position', async () => {
    const r = ref();
    const first = await sut.append(r, { version: 0, position: 0 }, [inc(2), inc(3)], meta);
    const second = await sut.append(r, { version: first.version, position: first.position }, [inc(4)], meta);
    const loaded = await sut.load(r);
    expect(loaded.version).toBe(3);
    expect(loaded.position).toBe(second.position);
    expect(loaded.events.map((e) => [e.aggregate_version, e.data['by']])).toEqual([[1, 2], [2, 3], [3, 4]]);
    expect(await sut.load(ref())).toEqual({ events: [], version: 0, position: 0 });
  });

  it("keeps what it loaded and still sees another writer's later commits", async () => {
    const r = ref();
    const other = new EventStore(nc, config, counterRegistry());
    const first = await sut.append(r, { version: 0, position: 0 }, [inc(1), inc(2)], meta);
    expect((await sut.load(r)).version).toBe(2); // kept
    const second = await other.append(r, { version: first.version, position: first.position }, [inc(3)], meta);
    const loaded = await sut.load(r);
    expect(loaded).toMatchObject({ version: 3, position: second.position });
    expect(loaded.events.map((e) => e.data['by'])).toEqual([1, 2, 3]);
    // What a caller does with the answer does not change the next one.
    loaded.events.pop();
    expect((await sut.load(r)).events.map((e) => e.data['by'])).toEqual([1, 2, 3]);
  });

  it('forgets the least recently loaded aggregates beyond its bound, and loads them whole again', async () => {
    const small = new EventStore(nc, config, counterRegistry(), 2);
    const [a, b, c] = [ref(), ref(), ref()];
    for (const r of [a, b, c]) await small.append(r, { version: 0, position: 0 }, [inc(7)], meta);
    for (const r of [a, b, c]) expect((await small.load(r)).events.map((e) => e.data['by'])).toEqual([7]);
    expect((await small.load(a)).version).toBe(1); // a was dropped for c, read again from the start
  });

  it('lets exactly one of 8 concurrent writers at the same expected version win', async () => {
    const r = ref();
    const base = await sut.append(r, { version: 0, position: 0 }, [inc(1)], meta);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => sut.append(r, { version: base.version, position: base.position }, [inc(1)], meta)),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const error of lost) expect(error).toBeInstanceOf(ConcurrencyConflict);
    expect((lost[0] as PlatformError).code).toBe('Conflict');
    expect((await sut.load(r)).version).toBe(2);
  });

  it('rejects creating an aggregate that already exists', async () => {
    const r = ref();
    await sut.append(r, { version: 0, position: 0 }, [inc(1)], meta);
    await expect(sut.append(r, { version: 0, position: 0 }, [inc(1)], meta)).rejects.toBeInstanceOf(ConcurrencyConflict);
  });

  it('stores a re-appended event id once and reports the duplicate', async () => {
    const r = ref();
    const id = randomUUID();
    const first = await sut.append(r, { version: 0, position: 0 }, [{ ...inc(5), id }], meta);
    const again = await sut.append(r, { version: 0, position: 0 }, [{ ...inc(5), id }], meta);
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, position: first.position, version: 1 });
    expect(again.events[0]!.id).toBe(id);
    expect(await messagesOn(r)).toBe(1);
  });

  it('stores a multi-event command as one message', async () => {
    const r = ref();
    const result = await sut.append(r, { version: 0, position: 0 }, [inc(1), inc(2), { kind: RESET, data: {} }], meta);
    expect(await messagesOn(r)).toBe(1);
    expect(result.events.map((e) => e.aggregate_version)).toEqual([1, 2, 3]);
    expect(new Set(result.events.map((e) => e.correlation_id))).toEqual(new Set([result.events[0]!.id]));
  });

  it('appends nothing when one event of a command is invalid', async () => {
    const r = ref();
    const attempt = sut.append(r, { version: 0, position: 0 }, [inc(1), { kind: INCREMENTED, data: { by: 'two' } }], meta);
    await expect(attempt).rejects.toMatchObject({ code: 'InvalidInput' });
    expect(await messagesOn(r)).toBe(0);
  });

  it('rejects a kind outside the aggregate context', async () => {
    const attempt = sut.append({ context: 'other', aggregate: 'thing', id: 'x1' }, { version: 0, position: 0 }, [inc(1)], meta);
    await expect(attempt).rejects.toMatchObject({ code: 'InvalidInput' });
  });

  it('upcasts stored v1 events on load', async () => {
    const r = ref();
    const event = {
      id: randomUUID(), kind: INCREMENTED, schema: 1, aggregate_id: r.id, aggregate_version: 1, occurred_at: new Date().toISOString(),
      actor: 'old', correlation_id: 'c', causation_id: null, traceparent: null, data: { by: 7 },
    };
    await jetstream(nc).publish(aggregateSubject(config.subjectPrefix, r), JSON.stringify({ commit_id: event.id, aggregate_id: r.id, events: [event] }));
    const loaded = await sut.load(r);
    expect(loaded.events[0]).toMatchObject({ schema: 2, data: { by: 7, note: 'v1' } });
  });

  it('readAll yields every commit in stream order', async () => {
    const seqs: number[] = [];
    for await (const c of sut.readAll(1)) seqs.push(c.seq);
    const { state } = await (await jetstreamManager(nc)).streams.info(config.stream);
    expect(seqs).toEqual(Array.from({ length: state.last_seq }, (_, i) => i + 1));
  });
});
