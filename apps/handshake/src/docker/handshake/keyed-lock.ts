/**
 * Runs work one at a time per key within this process. An agent that retries while its previous call is
 * still signing must not make the platform ask the CA twice; across replicas the aggregate's optimistic
 * concurrency still keeps the history consistent.
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
