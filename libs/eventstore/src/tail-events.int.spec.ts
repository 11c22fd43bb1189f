import type { NatsConnection } from '@nats-io/transport-node';
import type { EventEnvelope } from '@powernode/contracts';
import { connectTestNats, dropTestResources, eventually, uniqueName } from '@powernode/testing';
import { EventStore } from './event-store.js';
import { ensureStream, type EventStoreConfig } from './stream-config.js';
import { tailEvents } from './tail-events.js';
import { counterRegistry, GAUGE_SET, INCREMENTED, OTHER, RESET } from './test/counter.fixture.js';

const meta = { actor: 'test' };

describe(tailEvents.name, () => {
  let nc: NatsConnection;
  let config: EventStoreConfig;
  let store: EventStore;

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

  it('delivers only the events whose kind starts with the prefix, and skips bad messages', async () => {
    const received: EventEnvelope[] = [];
    const sut = tailEvents(nc, config, counterRegistry(), 'system.test.counter', (e) => received.push(e));
    await nc.flush(); // the subscription is registered before anything is published
    const fresh = { version: 0, position: 0 };
    await store.append({ context: 'other', aggregate: 'thing', id: 'o1' }, fresh, [{ kind: OTHER, data: { n: 1 } }], meta);
    await store.append({ context: 'test', aggregate: 'gauge', id: 'g1' }, fresh, [{ kind: GAUGE_SET, data: { value: 2 } }], meta);
    nc.publish(`${config.subjectPrefix}.test.counter.junk`, 'not a commit');
    const last = await store.append({ context: 'test', aggregate: 'counter', id: 'c1' }, fresh, [
      { kind: INCREMENTED, data: { by: 1, note: '' } },
      { kind: RESET, data: {} },
    ], meta);
    await eventually(() => expect(received.map((e) => e.id)).toContain(last.events[1]!.id));
    expect(received.map((e) => e.kind)).toEqual([INCREMENTED, RESET]);
    sut.stop();
  });

  it('stops delivering after stop()', async () => {
    const received: EventEnvelope[] = [];
    const sut = tailEvents(nc, config, counterRegistry(), 'system.test', (e) => received.push(e));
    await nc.flush();
    await store.append({ context: 'test', aggregate: 'gauge', id: 'g2' }, { version: 0, position: 0 }, [{ kind: GAUGE_SET, data: { value: 1 } }], meta);
    await eventually(() => expect(received).toHaveLength(1));
    sut.stop();
    await store.append({ context: 'test', aggregate: 'gauge', id: 'g3' }, { version: 0, position: 0 }, [{ kind: GAUGE_SET, data: { value: 1 } }], meta);
    await nc.flush();
    expect(received).toHaveLength(1);
  });
});
