import type { EventEnvelope } from '@powernode/contracts';
import type { Decider, NewEvent } from '@powernode/eventstore';

/** given(events).when(command) → a thunk deciding on the folded state, for expect(...).toThrow or calling. */
export function givenFor<S, C>(decider: Decider<S, C>, aggregateId: string) {
  return (events: NewEvent[]) => {
    const state = events
      .map(
        (e, i): EventEnvelope => ({
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          kind: e.kind,
          schema: 1,
          aggregate_id: aggregateId,
          aggregate_version: i + 1,
          occurred_at: '2026-01-01T00:00:00.000Z',
          actor: 'test',
          correlation_id: 'c',
          causation_id: null,
          traceparent: null,
          data: e.data,
        }),
      )
      .reduce(decider.evolve, decider.initialState());
    return { when: (command: C) => () => decider.decide(command, state) };
  };
}
