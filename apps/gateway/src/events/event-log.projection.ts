import type { EventEnvelope } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';

export interface EventLogRow extends Record<string, unknown> {
  id: string;
  kind: string;
  aggregate_id: string;
  occurred_at: string;
  actor: string;
  correlation_id: string;
  data: Record<string, unknown>;
  seq: number;
  index: number;
}

/** The gateway's own copy of the event log, for `recent_events`: every kind the registry knows. */
export function eventLogProjection(kinds: readonly string[]): Projection<EventLogRow> {
  return {
    name: 'event_log',
    version: 1,
    canHandle: kinds,
    keyOf: (event: EventEnvelope) => event.id,
    evolve: (_row, event, position) => ({
      id: event.id,
      kind: event.kind,
      aggregate_id: event.aggregate_id,
      occurred_at: event.occurred_at,
      actor: event.actor,
      correlation_id: event.correlation_id,
      data: event.data,
      seq: position.seq,
      index: position.index,
    }),
  };
}
