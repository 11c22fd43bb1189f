import type { EventEnvelope } from '@powernode/contracts';
import type { Decider, NewEvent } from '@powernode/eventstore';

/**
 * The i-th stored event of a test history: ids, versions and times follow the index (one second apart), the rest
 * is fixed, so folds in tests are deterministic.
 */
export function testEnvelope(event: NewEvent, i: number, aggregateId: string): EventEnvelope {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    kind: event.kind,
    schema: 1,
    aggregate_id: aggregateId,
    aggregate_version: i + 1,
    occurred_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    actor: 'test',
    correlation_id: 'c',
    causation_id: null,
    traceparent: null,
    data: event.data,
  };
}

/** given(events).when(command) → a thunk deciding on the folded state, for expect(...).toThrow or calling. */
export function givenFor<S, C>(decider: Decider<S, C>, aggregateId: string) {
  return (events: NewEvent[]) => {
    const state = events.map((e, i) => testEnvelope(e, i, aggregateId)).reduce(decider.evolve, decider.initialState());
    return { when: (command: C) => () => decider.decide(command, state) };
  };
}
