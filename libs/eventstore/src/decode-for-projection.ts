import { EVENT_HEADERS, eventEnvelopeSchema, type EventEnvelope, type EventRegistry } from '@powernode/contracts';
import type { StoredCommit } from './read-commits.js';

/** An event a projection could not take, kept with enough context to inspect and replay it by hand. */
export interface DeadLetter {
  seq: number;
  index: number;
  eventId: string | null;
  kind: string | null;
  error: string;
  payload: unknown;
}

export interface DecodedCommit {
  seq: number;
  events: { event: EventEnvelope; index: number }[];
  deadLetters: DeadLetter[];
}

const decoder = new TextDecoder();

/**
 * The events of one stored commit that the projection handles, validated and upcast.
 * Kinds it does not handle are skipped unvalidated: the stream carries every service's events,
 * and this registry need not know them all. What cannot be read becomes a dead letter, never an exception.
 */
export function decodeForProjection(stored: StoredCommit, handles: ReadonlySet<string>, registry: EventRegistry): DecodedCommit {
  const out: DecodedCommit = { seq: stored.seq, events: [], deadLetters: [] };
  const text = decoder.decode(stored.data);
  let commit: unknown;
  try {
    commit = JSON.parse(text);
  } catch (error) {
    out.deadLetters.push(whole(stored, `not JSON: ${messageOf(error)}`, { raw: text }));
    return out;
  }
  const events = (commit as { events?: unknown } | null)?.events;
  if (!Array.isArray(events) || events.length === 0) {
    out.deadLetters.push(whole(stored, 'not a commit: no events array', commit));
    return out;
  }
  events.forEach((raw: unknown, index) => {
    const kind = (raw as { kind?: unknown } | null)?.kind;
    if (typeof kind === 'string' && !handles.has(kind)) return;
    const id = (raw as { id?: unknown } | null)?.id;
    const dead = (error: string) =>
      out.deadLetters.push({ seq: stored.seq, index, eventId: typeof id === 'string' ? id : null, kind: typeof kind === 'string' ? kind : null, error, payload: raw ?? null });
    const envelope = eventEnvelopeSchema.safeParse(raw);
    if (!envelope.success) return dead(`bad envelope: ${envelope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    try {
      out.events.push({ event: registry.read(envelope.data), index });
    } catch (error) {
      dead(describe(error));
    }
  });
  return out;
}

function whole(stored: StoredCommit, error: string, payload: unknown): DeadLetter {
  return { seq: stored.seq, index: 0, eventId: null, kind: stored.headers?.get(EVENT_HEADERS.kind) || null, error, payload: payload ?? null };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The message plus any field-level issues, so the dead letter says what was wrong. */
export function describe(error: unknown): string {
  const issues = (error as { details?: { issues?: { field: string; message: string }[] } }).details?.issues;
  return issues?.length ? `${messageOf(error)} (${issues.map((i) => `${i.field}: ${i.message}`).join('; ')})` : messageOf(error);
}
