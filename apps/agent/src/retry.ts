import type { Logger } from 'pino';
import { Backoff } from './backoff.js';
import { AgentFatalError, describeError } from './errors.js';
import { RequestAbortedError, isTransient } from './platform-client.js';
import { sleep } from './sleep.js';

/**
 * Runs `attempt` until it succeeds, retrying transient failures (platform down, 5xx) with backoff.
 * A refusal (4xx, pin mismatch) is mapped by `fatal` to an AgentFatalError; shutdown aborts with RequestAbortedError.
 */
export async function retryTransient<T>(
  what: string,
  attempt: () => Promise<T>,
  options: { signal: AbortSignal; logger: Logger; fatal: (error: unknown) => AgentFatalError },
): Promise<T> {
  const backoff = new Backoff();
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (options.signal.aborted) throw new RequestAbortedError('aborted');
      if (error instanceof AgentFatalError) throw error;
      if (!isTransient(error)) throw options.fatal(error);
      const retryInMs = backoff.next();
      options.logger.warn({ err: describeError(error), failures: backoff.failures, retry_in_ms: retryInMs }, `${what} failed, retrying`);
      if (!(await sleep(retryInMs, options.signal))) throw new RequestAbortedError('aborted');
    }
  }
}
