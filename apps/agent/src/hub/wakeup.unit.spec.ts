import { Wakeup } from './wakeup.js';

describe(Wakeup.name, () => {
  const never = new AbortController().signal;

  it('ends a wait early on fire, and keeps a fire that came before the wait', async () => {
    const sut = new Wakeup();
    let woke = false;
    const waiting = sut.wait(60_000, never).then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    sut.fire();
    await waiting;
    expect(woke).toBe(true);

    sut.fire();
    await sut.wait(60_000, never); // resolves at once: the earlier fire was kept
  });

  it('ends a wait on abort and on its own timeout', async () => {
    const sut = new Wakeup();
    const stop = new AbortController();
    const waiting = sut.wait(60_000, stop.signal);
    stop.abort();
    await waiting;
    await new Wakeup().wait(5, never);
  });
});
