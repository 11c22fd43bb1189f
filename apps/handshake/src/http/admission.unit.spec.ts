import { jest } from '@jest/globals';
import { PlatformError } from '@powernode/contracts';
import { Admission } from './admission.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe(Admission.name, () => {
  afterEach(() => jest.useRealTimers());

  it('runs at most `limit` at once and admits the waiting ones in arrival order as work ends', async () => {
    const sut = new Admission(2, 10_000);
    const started: number[] = [];
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const runs = gates.map((gate, i) => sut.run(async () => (started.push(i), await gate.promise, i)));
    await Promise.resolve();
    expect({ started, running: sut.running, queued: sut.queued }).toEqual({ started: [0, 1], running: 2, queued: 2 });
    gates[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect({ running: sut.running, queued: sut.queued }).toEqual({ running: 0, queued: 0 });
  });

  it('refuses a request that waited too long with Unavailable (503, retried by agents), and keeps serving the rest', async () => {
    jest.useFakeTimers();
    const sut = new Admission(1, 5_000);
    const gate = deferred();
    const first = sut.run(() => gate.promise);
    const late = sut.run(async () => 'never');
    const refused = late.catch((error: unknown) => error);
    jest.advanceTimersByTime(5_000);
    const error = await refused;
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ code: 'Unavailable', details: { retry_after_s: 5 } });
    expect(sut.queued).toBe(0);
    gate.resolve();
    await first;
    expect(await sut.run(async () => 'next')).toBe('next');
  });

  it('frees the slot when the work fails', async () => {
    const sut = new Admission(1, 1_000);
    await expect(sut.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(sut.running).toBe(0);
    expect(await sut.run(async () => 'ok')).toBe('ok');
  });
});
