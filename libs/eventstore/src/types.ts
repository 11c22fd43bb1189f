import type { EventEnvelope } from '@powernode/contracts';

/** An event a command wants to record; `id` lets a caller make the append idempotent. */
export interface NewEvent {
  kind: string;
  data: Record<string, unknown>;
  id?: string;
}

/** Who and what caused a command; time and ids come in here so deciders stay pure. */
export interface CommandMeta {
  actor: string;
  correlationId?: string;
  causationId?: string | null;
  traceparent?: string | null;
  now?: () => Date;
  newId?: () => string;
}

/** What the writer last saw of the aggregate; `{ version: 0, position: 0 }` means it must not exist yet. */
export interface Expected {
  version: number;
  position: number;
}

/** An aggregate's history: `version` counts events, `position` is the stream seq of its last commit (0 = none). */
export interface LoadedStream {
  events: EventEnvelope[];
  version: number;
  position: number;
}

/** The outcome of an append; `duplicate` means the commit was already stored (same first event id). */
export interface AppendResult {
  events: EventEnvelope[];
  version: number;
  position: number;
  duplicate: boolean;
}
