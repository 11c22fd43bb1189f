// Reads a whole event log and checks what no fault may break: each aggregate's versions run 1..n with no gap and
// no repeat, no event or commit is stored twice, and how often each kind happened per aggregate.
import type { NatsConnection } from '@nats-io/transport-node';
import { parseStoredCommit, readCommits, type EventStoreConfig } from '@powernode/eventstore';

export interface EventLogAudit {
  commits: number;
  events: number;
  /** Aggregates whose versions are not exactly 1..n in stream order: `subject: versions`. */
  broken: string[];
  /** Event ids and commit ids stored more than once. */
  repeatedIds: string[];
  /** kind → aggregate id → how many. */
  perAggregate: Map<string, Map<string, number>>;
}

export async function auditEventLog(nc: NatsConnection, store: EventStoreConfig): Promise<EventLogAudit> {
  const versions = new Map<string, number[]>();
  const seen = new Set<string>();
  const repeatedIds: string[] = [];
  const perAggregate = new Map<string, Map<string, number>>();
  let commits = 0;
  let events = 0;
  const once = (id: string) => (seen.has(id) ? repeatedIds.push(id) : seen.add(id));
  for await (const stored of readCommits(nc, store)) {
    const commit = parseStoredCommit(stored.data, stored.subject, stored.seq);
    commits += 1;
    once(`commit:${commit.commit_id}`);
    const list = versions.get(stored.subject) ?? [];
    versions.set(stored.subject, list);
    for (const event of commit.events) {
      events += 1;
      once(`event:${event.id}`);
      list.push(event.aggregate_version);
      const byAggregate = perAggregate.get(event.kind) ?? new Map<string, number>();
      perAggregate.set(event.kind, byAggregate);
      byAggregate.set(event.aggregate_id, (byAggregate.get(event.aggregate_id) ?? 0) + 1);
    }
  }
  const broken = [...versions].filter(([, list]) => list.some((v, i) => v !== i + 1)).map(([subject, list]) => `${subject}: ${list.join(',')}`);
  return { commits, events, broken, repeatedIds, perAggregate };
}
