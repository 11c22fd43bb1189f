import { z } from 'zod';

/** Every event kind starts with `system.<context>.`; the context is also the subject's. */
export const EVENT_KIND = /^system\.[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export const eventEnvelopeSchema = z.object({
  id: z.uuid(),
  kind: z.string().regex(EVENT_KIND),
  schema: z.number().int().positive(),
  aggregate_id: z.string().min(1),
  aggregate_version: z.number().int().positive(),
  occurred_at: z.iso.datetime(),
  actor: z.string().min(1),
  correlation_id: z.string().min(1),
  causation_id: z.string().nullable(),
  traceparent: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

/** The stored, validated form of one event (DESIGN §2). */
export type EventEnvelope<D = Record<string, unknown>> = Omit<z.infer<typeof eventEnvelopeSchema>, 'data'> & { data: D };

/**
 * One JetStream message holds one commit: the events of one command, stored all or none.
 * JetStream 2.9 has no batch publish, so the commit is the unit of atomicity.
 */
export const commitSchema = z.object({
  commit_id: z.uuid(),
  aggregate_id: z.string().min(1),
  events: z.array(eventEnvelopeSchema).min(1),
});
export type Commit = z.infer<typeof commitSchema>;

/** NATS headers set on every commit message, so watchers can route without parsing. */
export const EVENT_HEADERS = {
  kind: 'Powernode-Event-Kind',
  kinds: 'Powernode-Event-Kinds',
  aggregateId: 'Powernode-Aggregate-Id',
  traceparent: 'traceparent',
} as const;

/** Addresses one aggregate's event stream: subject `<prefix>.<context>.<aggregate>.<id>`. */
export interface AggregateRef {
  context: string;
  aggregate: string;
  id: string;
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

export function aggregateSubject(prefix: string, ref: AggregateRef): string {
  for (const part of [ref.context, ref.aggregate, ref.id]) {
    if (!TOKEN.test(part)) throw new Error(`invalid subject token ${JSON.stringify(part)}`);
  }
  return `${prefix}.${ref.context}.${ref.aggregate}.${ref.id}`;
}

/** `system.docker` → the wildcard subject that carries exactly those kinds' aggregates. */
export function kindPrefixSubject(subjectPrefix: string, kindPrefix: string): string {
  const rest = kindPrefix.replace(/^system\.?/, '').replace(/\.$/, '');
  if (rest === '') return `${subjectPrefix}.>`;
  const parts = rest.split('.');
  // `system.docker.host.connected` names a kind, not a context: subscribe to its context.
  return `${subjectPrefix}.${parts[0]}.>`;
}

export function contextOfKind(kind: string): string {
  return kind.split('.')[1] ?? '';
}
