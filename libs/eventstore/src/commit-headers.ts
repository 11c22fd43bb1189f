import { headers, type MsgHdrs } from '@nats-io/transport-node';
import { EVENT_HEADERS, type Commit } from '@powernode/contracts';

/** Routing headers of a commit message, so watchers can filter without parsing the payload. */
export function commitHeaders(commit: Commit): MsgHdrs {
  const h = headers();
  const first = commit.events[0]!;
  h.set(EVENT_HEADERS.kind, first.kind);
  h.set(EVENT_HEADERS.kinds, commit.events.map((e) => e.kind).join(','));
  h.set(EVENT_HEADERS.aggregateId, commit.aggregate_id);
  if (first.traceparent) h.set(EVENT_HEADERS.traceparent, first.traceparent);
  return h;
}
