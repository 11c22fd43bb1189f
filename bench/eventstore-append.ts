import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { EventRegistry } from '@powernode/contracts';
import { buildCommit, commitHeaders, EventStore, type EventStoreConfig } from '@powernode/eventstore';
import { z } from 'zod';

export const RECORDED = 'system.bench.item.recorded';
const LABEL = 'x'.repeat(96);

/** The bench's one event kind: a small record like most platform events. */
export function benchRegistry(): EventRegistry {
  return new EventRegistry().register({ kind: RECORDED, version: 1, schema: z.object({ n: z.number().int(), label: z.string() }) });
}

const meta = { actor: 'bench' };
const event = (n: number) => ({ kind: RECORDED, data: { n, label: LABEL } });

/** Runs `total` operations split over `writers` concurrent loops; returns operations per second. */
async function timed(total: number, writers: number, loop: (writer: number, count: number) => Promise<void>): Promise<number> {
  const per = Math.ceil(total / writers);
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: writers }, (_, w) => loop(w, per)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (per * writers) / seconds;
}

/** EventStore.append: each writer appends sequential versions to its own aggregate. */
export function appendRate(nc: NatsConnection, config: EventStoreConfig, total: number, writers: number): Promise<number> {
  const store = new EventStore(nc, config, benchRegistry());
  const run = randomUUID().slice(0, 8);
  return timed(total, writers, async (w, count) => {
    const ref = { context: 'bench', aggregate: 'item', id: `a${run}w${w}` };
    let expected = { version: 0, position: 0 };
    for (let i = 0; i < count; i += 1) {
      const r = await store.append(ref, expected, [event(i)], meta);
      expected = { version: r.version, position: r.position };
    }
  });
}

/** Raw js.publish with the same headers, dedup id, subject-sequence check and payload size as an append. */
export function rawRate(nc: NatsConnection, config: EventStoreConfig, total: number, writers: number): Promise<number> {
  const js = jetstream(nc);
  const run = randomUUID().slice(0, 8);
  const template = buildCommit(config.subjectPrefix, benchRegistry(), { context: 'bench', aggregate: 'item', id: `r${run}w00` }, { version: 0, position: 0 }, [event(0)], meta);
  const payload = new TextEncoder().encode(JSON.stringify(template.commit));
  return timed(total, writers, async (w, count) => {
    const subject = `${config.subjectPrefix}.bench.item.r${run}w${String(w).padStart(2, '0')}`;
    let position = 0;
    for (let i = 0; i < count; i += 1) {
      const ack = await js.publish(subject, payload, { msgID: randomUUID(), expect: { lastSubjectSequence: position }, headers: commitHeaders(template.commit) });
      position = ack.seq;
    }
  });
}
