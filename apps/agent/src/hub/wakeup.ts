/** Wakes a waiting loop early: `fire()` now, `fireIn(ms)` later; a wake with nobody waiting is kept for the next wait. */
export class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  fire(): void {
    if (this.resolve) {
      const resolve = this.resolve;
      this.resolve = undefined;
      resolve();
    } else {
      this.pending = true;
    }
  }

  fireIn(ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.fire();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  /** Resolves after `ms`, on `fire()`, or when `signal` aborts, whichever is first. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.resolve = done;
    });
  }
}
