import type { Projection } from '@powernode/eventstore';
import { inSpanSync } from '@powernode/service-kit';

/** Wraps a projection so applying each event is a span in the trace that produced the event. */
export function tracedProjection<R extends Record<string, unknown>>(projection: Projection<R>): Projection<R> {
  return {
    ...projection,
    evolve: (row, event, position) =>
      inSpanSync(`project ${projection.name}`, event.traceparent, { 'powernode.event.kind': event.kind, 'powernode.stream.seq': position.seq }, () =>
        projection.evolve(row, event, position),
      ),
  };
}
