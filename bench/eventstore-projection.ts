import type { NatsConnection } from '@nats-io/transport-node';
import type { EventEnvelope } from '@powernode/contracts';
import { EventStore, ProjectionRunner, type EventStoreConfig, type Projection } from '@powernode/eventstore';
import type { DataSource } from 'typeorm';
import { benchRegistry, RECORDED } from './eventstore-append.js';

interface ItemRow extends Record<string, unknown> {
  count: number;
  sum: number;
  last: string;
}

const items: Projection<ItemRow> = {
  name: 'bench_items',
  version: 1,
  canHandle: [RECORDED],
  keyOf: (e: EventEnvelope) => e.aggregate_id,
  evolve: (row, e) => ({ count: (row?.count ?? 0) + 1, sum: (row?.sum ?? 0) + Number(e.data['n']), last: e.id }),
};

/** Fills the stream with `aggregates × perAggregate` events (64 writers, untimed); returns the last seq. */
export async function seed(nc: NatsConnection, config: EventStoreConfig, aggregates: number, perAggregate: number): Promise<number> {
  const store = new EventStore(nc, config, benchRegistry());
  let last = 0;
  const writer = async (w: number) => {
    for (let a = w; a < aggregates; a += 64) {
      let at = { version: 0, position: 0 };
      for (let i = 0; i < perAggregate; i += 1) {
        const r = await store.append({ context: 'bench', aggregate: 'item', id: `p${a}` }, at, [{ kind: RECORDED, data: { n: i, label: 'p' } }], { actor: 'bench' });
        at = { version: r.version, position: r.position };
        last = Math.max(last, r.position);
      }
    }
  };
  await Promise.all(Array.from({ length: 64 }, (_, w) => writer(w)));
  return last;
}

/** Events per second a ProjectionRunner applies into PostgreSQL, from consumer creation to checkpoint = lastSeq. */
export async function projectionRate(nc: NatsConnection, ds: DataSource, config: EventStoreConfig, lastSeq: number, batchSize: number): Promise<number> {
  const runner = new ProjectionRunner({ nc, dataSource: ds, store: config, registry: benchRegistry(), service: 'bench', projection: items, batchSize });
  const started = process.hrtime.bigint();
  await runner.start();
  await runner.waitFor(lastSeq, 60_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await runner.stop();
  return lastSeq / seconds;
}

/** The PostgreSQL ceiling: the same row upserts, one multi-row statement and one transaction per batch, no NATS. */
export async function baselineRate(ds: DataSource, schema: string, events: number, aggregates: number, batchSize: number): Promise<number> {
  await ds.query(`CREATE TABLE "${schema}".baseline (key text PRIMARY KEY, position bigint NOT NULL, doc jsonb NOT NULL)`);
  const started = process.hrtime.bigint();
  for (let from = 1; from <= events; from += batchSize) {
    const seqs = Array.from({ length: Math.min(batchSize, events - from + 1) }, (_, i) => from + i);
    const latest = new Map(seqs.map((seq) => [`p${seq % aggregates}`, seq]));
    await ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO "${schema}".baseline (key, position, doc) SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[])
         ON CONFLICT (key) DO UPDATE SET position = EXCLUDED.position, doc = EXCLUDED.doc`,
        [[...latest.keys()], [...latest.values()], [...latest.values()].map((seq) => JSON.stringify({ count: seq, sum: seq, last: String(seq) }))],
      );
    });
  }
  return events / (Number(process.hrtime.bigint() - started) / 1e9);
}
