/** Renew the identity certificate once this fraction of its lifetime has passed. */
export const RENEW_AT_FRACTION = 2 / 3;

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

/** When a certificate with this validity should be renewed. */
export function renewalTime({ notBefore, notAfter }: Validity): Date {
  const start = notBefore.getTime();
  return new Date(start + Math.floor((notAfter.getTime() - start) * RENEW_AT_FRACTION));
}

export function isRenewalDue(validity: Validity, now: Date): boolean {
  return now.getTime() >= renewalTime(validity).getTime();
}

/** How long a long-poll may wait (whole seconds in [0, max]) so it returns before `until`. */
export function longPollWaitSeconds(until: Date, now: Date, max = 25): number {
  const seconds = Math.floor((until.getTime() - now.getTime()) / 1000);
  return Math.min(max, Math.max(0, seconds));
}
