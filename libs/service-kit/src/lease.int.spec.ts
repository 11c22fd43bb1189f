import { TEST_DATABASE_URL, dropTestResources, eventually, uniqueName } from '@powernode/testing';
import type { DataSource } from 'typeorm';
import { openDatabase } from './database.js';
import { Lease, runWhileLeader, untilAborted, type LeaseOptions } from './lease.js';

const TTL_MS = 600;

describe(Lease.name, () => {
  let db: DataSource;
  let schema: string;
  const leases: Lease[] = [];

  const lease = (options: Partial<LeaseOptions> = {}) => {
    const sut = new Lease({ db, schema, name: 'jobs', ttlMs: TTL_MS, ...options });
    leases.push(sut);
    return sut;
  };
  const row = async (name: string) => {
    const rows: { holder: string; term: string }[] = await db.query(`SELECT holder, term FROM "${schema}".leases WHERE name = $1`, [name]);
    return rows[0] && { holder: rows[0].holder, term: Number(rows[0].term) };
  };

  beforeAll(async () => {
    schema = uniqueName('lease');
    db = await openDatabase({ url: TEST_DATABASE_URL, schema, migrations: [], poolSize: 4 });
  });
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((l) => l.stop()));
  });
  afterAll(async () => {
    await db?.destroy();
    await dropTestResources(undefined, [], [schema]);
  });

  it('lets exactly one of two contenders hold a name, and keeps it held across renewals', async () => {
    const name = uniqueName('one');
    const [a, b] = [lease({ name }), lease({ name })];
    await Promise.all([a.start(), b.start()]);
    expect([a.isHeld(), b.isHeld()].filter(Boolean)).toHaveLength(1);
    const holder = a.isHeld() ? a : b;
    expect(await row(name)).toEqual({ holder: holder.holder, term: 1 });
    // Past several renewal periods and one expiry: still the same holder, same term.
    await new Promise((resolve) => setTimeout(resolve, TTL_MS * 2));
    expect([a.isHeld(), b.isHeld()]).toEqual([a === holder, b === holder]);
    expect(await row(name)).toEqual({ holder: holder.holder, term: 1 });
  });

  it('hands over within one renewal period when the holder releases it', async () => {
    const name = uniqueName('release');
    const first = lease({ name });
    await first.start();
    const second = lease({ name });
    await second.start();
    expect([first.isHeld(), second.isHeld()]).toEqual([true, false]);
    const released = Date.now();
    await first.stop();
    expect(first.isHeld()).toBe(false);
    await eventually(() => expect(second.isHeld()).toBe(true), { timeoutMs: TTL_MS });
    // A renewal period is ttl/3; the takeover did not wait for expiry.
    expect(Date.now() - released).toBeLessThan(TTL_MS);
    expect(await row(name)).toEqual({ holder: second.holder, term: 2 });
  });

  it('takes over from a holder that stopped renewing only after its hold expired, with a larger term', async () => {
    const name = uniqueName('hang');
    const first = lease({ name });
    await first.start();
    const { term } = (await row(name))!;
    const second = lease({ name });
    await second.start();
    const hung = Date.now();
    await first.stop({ release: false });
    await eventually(() => expect(second.isHeld()).toBe(true), { timeoutMs: TTL_MS * 3 });
    expect(Date.now() - hung).toBeGreaterThanOrEqual(TTL_MS - 50);
    expect(await row(name)).toEqual({ holder: second.holder, term: term + 1 });
    expect(second.term).toBe(term + 1);
  });

  it('keeps different names independent', async () => {
    const [a, b] = [lease({ name: uniqueName('a') }), lease({ name: uniqueName('b') })];
    await Promise.all([a.start(), b.start()]);
    expect([a.isHeld(), b.isHeld()]).toEqual([true, true]);
  });

  it('runs a leader job while held, aborts it when lost, and starts it on the standby that takes over', async () => {
    const name = uniqueName('job');
    const runs: string[] = [];
    const job = (who: string) => async (signal: AbortSignal) => {
      runs.push(`${who} start`);
      await untilAborted(signal);
      runs.push(`${who} end`);
    };
    const first = lease({ name });
    await first.start();
    const second = lease({ name });
    await second.start();
    const jobs = [runWhileLeader(first, job('first')), runWhileLeader(second, job('second'))];
    await eventually(() => expect(runs).toEqual(['first start']));
    await first.stop();
    await eventually(() => expect(runs).toEqual(['first start', 'first end', 'second start']), { timeoutMs: TTL_MS * 2 });
    await Promise.all(jobs.map((j) => j.stop()));
    expect(runs).toEqual(['first start', 'first end', 'second start', 'second end']);
  });
});
