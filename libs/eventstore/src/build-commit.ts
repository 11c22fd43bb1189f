import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { aggregateSubject, eventEnvelopeSchema, parseInput, PlatformError, type AggregateRef, type Commit, type EventEnvelope, type EventRegistry } from '@powernode/contracts';
import type { CommandMeta, Expected, NewEvent } from './types.js';

// The fields of a commit that come from the caller; everything else is built here from validated parts.
// Checking just these (not the whole commit with commitSchema) keeps append's CPU cost close to a raw publish.
const callerFields = z.object({
  actor: eventEnvelopeSchema.shape.actor,
  correlation_id: eventEnvelopeSchema.shape.correlation_id,
  causation_id: eventEnvelopeSchema.shape.causation_id,
  traceparent: eventEnvelopeSchema.shape.traceparent,
});

const NON_NEGATIVE_INT = (n: number) => Number.isSafeInteger(n) && n >= 0;

/** Turns a command's new events into one validated commit for the aggregate's subject. */
export function buildCommit(
  subjectPrefix: string,
  registry: EventRegistry,
  ref: AggregateRef,
  expected: Expected,
  events: NewEvent[],
  meta: CommandMeta,
): { subject: string; commit: Commit } {
  const subject = aggregateSubject(subjectPrefix, ref);
  if (events.length === 0) throw new PlatformError('InvalidInput', `nothing to append to ${subject}`);
  if (!NON_NEGATIVE_INT(expected.version) || !NON_NEGATIVE_INT(expected.position)) {
    throw new PlatformError('InvalidInput', 'expected version and position must be non-negative integers', { expected });
  }
  // Watchers subscribe by context (`system.docker.>`), so a kind outside the subject's context would be invisible to them.
  const kindPrefix = `system.${ref.context}.`;
  const newId = meta.newId ?? randomUUID;
  const occurredAt = (meta.now?.() ?? new Date()).toISOString();
  const ids = events.map((e) => e.id ?? newId());
  if (new Set(ids).size !== ids.length) throw new PlatformError('InvalidInput', `event ids repeat within one commit to ${subject}`, { ids });
  // randomUUID's ids are valid by construction; only ids the caller made need checking.
  if (meta.newId || events.some((e) => e.id !== undefined)) parseInput(z.array(eventEnvelopeSchema.shape.id), ids, `event ids for ${subject}`);
  const caller = parseInput(
    callerFields,
    { actor: meta.actor, correlation_id: meta.correlationId ?? ids[0], causation_id: meta.causationId ?? null, traceparent: meta.traceparent ?? null },
    `metadata for ${subject}`,
  );
  const envelopes = events.map((event, i): EventEnvelope => {
    if (!event.kind.startsWith(kindPrefix)) {
      throw new PlatformError('InvalidInput', `event kind ${event.kind} does not belong to context ${ref.context}`, { kind: event.kind });
    }
    return {
      id: ids[i]!,
      kind: event.kind,
      schema: registry.latestVersion(event.kind),
      aggregate_id: ref.id,
      aggregate_version: expected.version + i + 1,
      occurred_at: occurredAt,
      actor: caller.actor,
      correlation_id: caller.correlation_id,
      causation_id: caller.causation_id,
      traceparent: caller.traceparent,
      data: registry.validateNew(event.kind, event.data),
    };
  });
  return { subject, commit: { commit_id: ids[0]!, aggregate_id: ref.id, events: envelopes } };
}
