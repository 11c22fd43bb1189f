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
    const state = foldedState(store, ref, decider, loaded.events);
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

/**
 * Folded states per store and evolve function (deciders are often built per call around a stable evolve), by
 * aggregate; least recently used first.
 */
const folds = new WeakMap<EventStore, WeakMap<object, Map<string, { version: number; state: unknown }>>>();
const KEEP_STATES = 5_000;

/**
 * The state after `events`, evolving only the events past the state kept from the last command on this aggregate.
 * States are values (evolve is pure and returns new objects), so keeping one is safe; it spares re-folding a long
 * history, which costs O(events x size) for aggregates like an SDWAN network with many peers.
 */
function foldedState<S, C>(store: EventStore, ref: AggregateRef, decider: Decider<S, C>, events: readonly EventEnvelope[]): S {
  let byDecider = folds.get(store);
  if (!byDecider) folds.set(store, (byDecider = new WeakMap()));
  let states = byDecider.get(decider.evolve);
  if (!states) byDecider.set(decider.evolve, (states = new Map()));
  const key = `${ref.context}.${ref.aggregate}.${ref.id}`;
  const kept = states.get(key) as { version: number; state: S } | undefined;
  const usable = kept !== undefined && kept.version <= events.length;
  const state = events.slice(usable ? kept.version : 0).reduce(decider.evolve, usable ? kept.state : decider.initialState());
  states.delete(key);
  states.set(key, { version: events.length, state });
  if (states.size > KEEP_STATES) states.delete(states.keys().next().value as string);
  return state;
}
