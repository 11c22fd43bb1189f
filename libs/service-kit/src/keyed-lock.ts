/**
 * Runs async work one at a time per key, within this process (e.g. one instance's provision and decommission
 * never interleave; an agent retrying mid-signature does not make the platform ask the CA twice). Across
 * replicas, the aggregates' optimistic concurrency is what keeps histories consistent.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
