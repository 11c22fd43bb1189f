import { PlatformError } from '@powernode/contracts';

/**
 * Load shedding for agent requests: at most `limit` run at once, the others wait their turn in arrival order, and
 * one that waited `maxWaitMs` is refused with `Unavailable` (503), which agents retry with backoff. Without it a
 * fleet arriving at once (10,000 agents powered on, or a template assignment waking them all) queued work past the
 * agents' 15 s timeout: the platform finished requests nobody waited for any more while the retries queued behind
 * them, and almost nothing got through. A refusal costs nearly nothing; the work admitted finishes in time.
 */
export class Admission {
  private active = 0;
  private readonly waiting: { admit: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxWaitMs: number,
  ) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  private enter(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        admit: () => {
          clearTimeout(entry.timer);
          this.active += 1;
          resolve();
        },
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
          reject(new PlatformError('Unavailable', 'the platform is busy with other agents: retry later', { retry_after_s: Math.ceil(this.maxWaitMs / 1000) }));
        }, this.maxWaitMs),
      };
      this.waiting.push(entry);
    });
  }

  private leave(): void {
    this.active -= 1;
    this.waiting.shift()?.admit();
  }
}
