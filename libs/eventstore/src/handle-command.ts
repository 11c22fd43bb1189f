import type { AggregateRef, EventEnvelope } from '@powernode/contracts';
import { ConcurrencyConflict } from './concurrency-conflict.js';
import type { EventStore } from './event-store.js';
import type { AppendResult, CommandMeta, NewEvent } from './types.js';

/** An aggregate's behaviour as pure functions (emmett's decider). */
export interface Decider<S, C> {
  initialState: () => S;
  evolve: (state: S, event: EventEnvelope) => S;
  decide: (command: C, state: S) => NewEvent[];
}

/**
 * Load → fold → decide → append at the loaded version. A concurrent writer makes the append fail;
 * then the command is decided again on the new state, up to `maxAttempts` times (default 5).
 * Errors thrown by `decide` propagate untouched.
 */
export async function handleCommand<S, C>(
  store: EventStore,
  ref: AggregateRef,
  decider: Decider<S, C>,
  command: C,
  meta: CommandMeta,
  options: { maxAttempts?: number } = {},
): Promise<AppendResult & { state: S }> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt += 1) {
    const loaded = await store.load(ref);
    const state = loaded.events.reduce(decider.evolve, decider.initialState());
    const events = decider.decide(command, state);
    if (events.length === 0) return { events: [], version: loaded.version, position: loaded.position, duplicate: false, state };
    try {
      const result = await store.append(ref, { version: loaded.version, position: loaded.position }, events, meta);
      return { ...result, state: result.events.reduce(decider.evolve, state) };
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict) || attempt >= maxAttempts) throw error;
      // Jitter spreads out writers that lost together, so they do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
