import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { AggregateRef } from '@powernode/contracts';
import { connectTestNats, dropTestResources, eventually, uniqueName } from '@powernode/testing';
import type { DataSource } from 'typeorm';
import { diffTables } from './diff-tables.js';
import { EventStore } from './event-store.js';
import { projectionTable, type Projection } from './projection.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner.js';
import { rebuildProjection } from './rebuild-projection.js';
import { ensureStream, type EventStoreConfig } from './stream-config.js';
import { captureLogger } from './test/capture-logger.js';
import { counterRegistry, countingProjection, INCREMENTED, openTestDatabase, RESET, type CounterRow } from './test/counter.fixture.js';

const meta = { actor: 'test' };
const inc = (by: number) => ({ kind: INCREMENTED, data: { by, note: '' } });

describe(ProjectionRunner.name, () => {
  let nc: NatsConnection;
  let config: EventStoreConfig;
  let store: EventStore;
  let ds: DataSource;
  let schema: string;
  const registry = counterRegistry();
  const running: ProjectionRunner<CounterRow>[] = [];
  const ref = (): AggregateRef => ({ context: 'test', aggregate: 'counter', id: uniqueName('c') });
  const projection = (name: string, version = 1): Projection<CounterRow> => ({ ...countingProjection, name, version });

  const runner = (options: Partial<ProjectionRunnerOptions<CounterRow>> & { projection: Projection<CounterRow> }) => {
    const sut = new ProjectionRunner<CounterRow>({ nc, dataSource: ds, store: config, registry, service: 'svc', batchSize: 16, ...options });
    running.push(sut);
    return sut;
  };
  /** Appends `count` increments of 1 to a new aggregate; returns it and the last position. */
  const appendIncrements = async (count: number, r = ref()) => {
    let at = await store.load(r);
    for (let i = 0; i < count; i += 1) at = { ...at, ...(await store.append(r, { version: at.version, position: at.position }, [inc(1)], meta)) };
    return { ref: r, position: at.position };
  };
  const rows = async (table: string): Promise<Map<string, CounterRow>> => {
    const result: { key: string; doc: CounterRow }[] = await ds.query(`SELECT key, doc FROM "${schema}"."${table}"`);
    return new Map(result.map((r) => [r.key, r.doc]));
  };
  const expectAppliedOnce = (row: CounterRow | undefined, count: number) => {
    expect(row).toBeDefined();
    expect(row!.applications).toBe(count);
    expect(new Set(row!.eventIds).size).toBe(count);
  };

  beforeAll(async () => {
    nc = await connectTestNats();
    config = { stream: uniqueName('ES'), subjectPrefix: uniqueName('es') };
    schema = uniqueName('es');
    await ensureStream(nc, config);
    ds = await openTestDatabase(schema);
    store = new EventStore(nc, config, registry);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await ds.destroy();
    await dropTestResources(nc, [config.stream], [schema]);
    await nc.close();
  });

  it('applies events, deletes rows on null and advances the checkpoint', async () => {
    const a = await appendIncrements(5);
    const b = await appendIncrements(2);
    const reset = await store.append(b.ref, { version: 2, position: b.position }, [{ kind: RESET, data: {} }], meta);
    const sut = runner({ projection: projection('applies') });
    await sut.start();
    await sut.waitFor(reset.position);
    const table = await rows('applies_v1');
    expectAppliedOnce(table.get(a.ref.id), 5);
    expect(table.get(a.ref.id)!.total).toBe(5);
    expect(table.has(b.ref.id)).toBe(false);
    expect(await sut.position()).toBe(reset.position);
  });

  it('acks commits of kinds it ignores without a transaction each, and moves the checkpoint over them soon after', async () => {
    // This projection takes only resets: the increments are commits of a kind it ignores.
    const onlyResets = { ...projection('ignores'), canHandle: [RESET] };
    const first = await appendIncrements(1);
    const sut = runner({ projection: onlyResets });
    await sut.start();
    await sut.waitFor(first.position);
    const checkpointWrites = async () => {
      const [row] = (await ds.query(`SELECT n_tup_upd FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = 'projection_checkpoints'`, [schema])) as { n_tup_upd: string }[];
      return Number(row!.n_tup_upd);
    };
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // PostgreSQL publishes table statistics within a second
    const before = await checkpointWrites();
    const ignored = await appendIncrements(30);
    await sut.waitFor(ignored.position);
    expect(await sut.position()).toBeGreaterThanOrEqual(ignored.position);
    // The checkpoint row follows within the flush delay, in far fewer writes than one per commit.
    await eventually(async () => expect(Number((await ds.query(`SELECT position FROM "${schema}".projection_checkpoints WHERE projection = 'ignores'`))[0].position)).toBe(ignored.position));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await checkpointWrites()) - before).toBeLessThan(10);

    // A commit it handles, right after the ones it ignored, is applied at once (no wait for the skipped ones).
    const reset = await store.append(ignored.ref, { version: 30, position: ignored.position }, [{ kind: RESET, data: {} }], meta);
    await sut.waitFor(reset.position, 5_000);
    expect(Number((await ds.query(`SELECT position FROM "${schema}".projection_checkpoints WHERE projection = 'ignores'`))[0].position)).toBe(reset.position);

    // A new runner (this one stopped after acking ignored commits) goes on from the checkpoint, losing nothing.
    const more = await appendIncrements(5);
    await sut.waitFor(more.position);
    await sut.stop();
    const last = await store.append(more.ref, { version: 5, position: more.position }, [{ kind: RESET, data: {} }], meta);
    const next = runner({ projection: onlyResets });
    await next.start();
    await next.waitFor(last.position, 5_000);
    expect(Number((await ds.query(`SELECT position FROM "${schema}".projection_checkpoints WHERE projection = 'ignores'`))[0].position)).toBe(last.position);
  });

  it('skips a redelivered batch that was already committed', async () => {
    const { lines, logger } = captureLogger();
    let failed = false;
    // Fails after the commit, before the ack: the runner naks, JetStream redelivers, the checkpoint must absorb it.
    const onApplied = () => {
      if (!failed) {
        failed = true;
        throw new Error('hook failed after commit');
      }
    };
    const a = await appendIncrements(6);
    const sut = runner({ projection: projection('redelivered'), logger, onApplied });
    await sut.start();
    await sut.waitFor(a.position);
    await eventually(() => expect(lines.some((l) => l.msg === 'skipped already applied messages')).toBe(true));
    expect(failed).toBe(true);
    expectAppliedOnce((await rows('redelivered_v1')).get(a.ref.id), 6);
  });

  it('does not apply twice after a crash between commit and ack', async () => {
    const crashing = await connectTestNats();
    let release = () => undefined as void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let committed = false;
    const p = projection('crashed');
    const first = runner({ nc: crashing, projection: p, ackWaitMs: 1_000, onApplied: () => ((committed = true), blocked) });
    const a = await appendIncrements(4);
    await first.start();
    await eventually(() => expect(committed).toBe(true));
    const committedAt = await first.position();
    expect(committedAt).toBeGreaterThan(0);
    await crashing.close(); // the acks of the committed batch can never be sent now

    const { lines, logger } = captureLogger();
    const second = runner({ projection: p, ackWaitMs: 1_000, logger });
    await second.start();
    const more = await appendIncrements(3, a.ref);
    await second.waitFor(more.position);
    // JetStream redelivers the committed-but-unacked messages after ack_wait; the second runner must skip them.
    const skipped = () => lines.flatMap((l) => (l.obj['skipped'] as number[] | undefined) ?? []);
    await eventually(() => expect(skipped()).toContain(committedAt), { timeoutMs: 15_000 });
    release();
    expectAppliedOnce((await rows('crashed_v1')).get(a.ref.id), 7);
    const info = await (await jetstreamManager(nc)).consumers.info(config.stream, second.consumerName);
    expect(info.num_ack_pending).toBe(0);
  });

  it('dead-letters poison events and keeps going', async () => {
    const js = jetstream(nc);
    const poisonRef = ref();
    const subject = `${config.subjectPrefix}.test.counter.${poisonRef.id}`;
    const notJson = await js.publish(subject, 'not json {');
    const badEvent = {
      id: crypto.randomUUID(), kind: INCREMENTED, schema: 2, aggregate_id: poisonRef.id, aggregate_version: 1,
      occurred_at: new Date().toISOString(), actor: 'x', correlation_id: 'c', causation_id: null, traceparent: null, data: { by: 'many', note: '' },
    };
    const badData = await js.publish(subject, JSON.stringify({ commit_id: badEvent.id, aggregate_id: poisonRef.id, events: [badEvent] }));
    const good = await appendIncrements(2);
    const sut = runner({ projection: projection('poisoned') });
    await sut.start();
    await sut.waitFor(good.position);
    const letters: { seq: string; event_id: string | null; error: string }[] = await ds.query(
      `SELECT seq, event_id, error FROM "${schema}".projection_dead_letters WHERE projection = 'poisoned' ORDER BY seq`,
    );
    expect(letters.map((l) => Number(l.seq))).toEqual([notJson.seq, badData.seq]);
    expect(letters[1]).toMatchObject({ event_id: badEvent.id });
    expect(letters[1]!.error).toMatch(/by/);
    expectAppliedOnce((await rows('poisoned_v1')).get(good.ref.id), 2);
    // Terminated, not left pending: nothing waits for an ack_wait redelivery.
    const jsm = await jetstreamManager(nc);
    await eventually(async () => expect((await jsm.consumers.info(config.stream, sut.consumerName)).num_ack_pending).toBe(0), { timeoutMs: 3_000 });
  });

  it('recovers from a database failure without losing or repeating events', async () => {
    const { lines, logger } = captureLogger();
    const p = projection('flaky');
    const sut = runner({ projection: p, logger });
    await sut.start();
    const warmup = await appendIncrements(1);
    await sut.waitFor(warmup.position);
    await ds.query(`ALTER TABLE "${schema}".flaky_v1 RENAME TO flaky_away`);
    const a = await appendIncrements(5);
    await eventually(() => expect(lines.some((l) => l.level === 'error')).toBe(true));
    await ds.query(`ALTER TABLE "${schema}".flaky_away RENAME TO flaky_v1`);
    await sut.waitFor(a.position, 15_000);
    expectAppliedOnce((await rows('flaky_v1')).get(a.ref.id), 5);
  });

  it('replays into a new table when the version is bumped', async () => {
    const a = await appendIncrements(3);
    const v1 = runner({ projection: projection('bumped', 1) });
    const v2 = runner({ projection: projection('bumped', 2) });
    await v1.start();
    await v1.waitFor(a.position);
    await v2.start();
    await v2.waitFor(a.position);
    expect(await diffTables(ds, schema, 'bumped_v1', 'bumped_v2')).toEqual({ onlyInA: [], onlyInB: [], different: [] });
    expect((await rows('bumped_v2')).size).toBeGreaterThan(0);
  });

  it('rebuilds a table equal to the live one, and diffTables sees a difference', async () => {
    const a = await appendIncrements(4);
    await store.append(a.ref, { version: 4, position: a.position }, [{ kind: RESET, data: {} }, inc(9)], meta);
    const b = await appendIncrements(3);
    const p = projection('rebuilt');
    const live = runner({ projection: p, batchSize: 3 });
    await live.start();
    await live.waitFor(b.position);
    const sut = await rebuildProjection({ nc, dataSource: ds, store: config, registry, projection: p });
    expect(sut.table).toBe(`${projectionTable(p)}_rebuild`);
    expect(sut.position).toBe(b.position);
    expect(await diffTables(ds, schema, projectionTable(p), sut.table)).toEqual({ onlyInA: [], onlyInB: [], different: [] });
    expect((await rows(sut.table)).get(a.ref.id)).toMatchObject({ total: 9, applications: 1 });

    await ds.query(`UPDATE "${schema}"."${sut.table}" SET doc = jsonb_set(doc, '{total}', '0') WHERE key = $1`, [b.ref.id]);
    await ds.query(`DELETE FROM "${schema}"."${sut.table}" WHERE key = $1`, [a.ref.id]);
    expect(await diffTables(ds, schema, projectionTable(p), sut.table)).toEqual({ onlyInA: [a.ref.id], onlyInB: [], different: [b.ref.id] });
  });
});
