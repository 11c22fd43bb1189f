import { isRenewalDue, longPollWaitSeconds, renewalTime } from './renewal-timing.js';

const validity = { notBefore: new Date('2030-01-01T00:00:00Z'), notAfter: new Date('2030-01-01T03:00:00Z') };

describe(renewalTime.name, () => {
  it('is at two thirds of the lifetime', () => {
    expect(renewalTime(validity)).toEqual(new Date('2030-01-01T02:00:00Z'));
  });

  it('is due from then on, not before', () => {
    expect(isRenewalDue(validity, new Date('2030-01-01T01:59:59Z'))).toBe(false);
    expect(isRenewalDue(validity, new Date('2030-01-01T02:00:00Z'))).toBe(true);
    expect(isRenewalDue(validity, new Date('2030-01-01T04:00:00Z'))).toBe(true);
  });
});

describe(longPollWaitSeconds.name, () => {
  const now = new Date('2030-01-01T00:00:00Z');
  it('waits at most 25 s, less when renewal comes sooner, never negative', () => {
    expect(longPollWaitSeconds(new Date('2030-01-01T01:00:00Z'), now)).toBe(25);
    expect(longPollWaitSeconds(new Date('2030-01-01T00:00:07.900Z'), now)).toBe(7);
    expect(longPollWaitSeconds(new Date('2029-12-31T00:00:00Z'), now)).toBe(0);
  });
});
