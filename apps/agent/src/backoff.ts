export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** Retry pacing for heartbeats and enrolment while the platform is unreachable. */
export const PLATFORM_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 30_000 };

/**
 * "Full jitter": uniform in [0, min(cap, base·2^attempt)), so a fleet of agents that lost the platform at
 * the same moment does not come back in lockstep.
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(attempt, 0), 32));
  return Math.floor(random() * ceiling);
}

/** Consecutive-failure counter over `backoffDelayMs`; `reset()` after a success. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly policy: BackoffPolicy = PLATFORM_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  get failures(): number {
    return this.attempt;
  }

  next(): number {
    return backoffDelayMs(this.attempt++, this.policy, this.random);
  }

  reset(): void {
    this.attempt = 0;
  }
}
