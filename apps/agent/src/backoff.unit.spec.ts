import { Backoff, PLATFORM_BACKOFF, backoffDelayMs } from './backoff.js';

describe(Backoff.name, () => {
  it('full jitter: uniform below min(cap, base·2^attempt)', () => {
    expect(backoffDelayMs(0, PLATFORM_BACKOFF, () => 0.999)).toBe(499);
    expect(backoffDelayMs(3, PLATFORM_BACKOFF, () => 0.5)).toBe(2_000);
    expect(backoffDelayMs(0, PLATFORM_BACKOFF, () => 0)).toBe(0);
  });

  it('is capped at 30 s however many failures', () => {
    expect(backoffDelayMs(10, PLATFORM_BACKOFF, () => 0.999)).toBe(29_970);
    expect(backoffDelayMs(10_000, PLATFORM_BACKOFF, () => 0.999)).toBe(29_970);
  });

  it('grows with consecutive failures and starts over after reset', () => {
    const sut = new Backoff(PLATFORM_BACKOFF, () => 0.999);
    expect([sut.next(), sut.next(), sut.next()]).toEqual([499, 999, 1_998]);
    expect(sut.failures).toBe(3);
    sut.reset();
    expect(sut.next()).toBe(499);
  });
});
