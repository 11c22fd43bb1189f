import type { CommandMeta } from '@powernode/eventstore';
import type { HandlerContext } from '@powernode/service-kit';

/** Who did it and in which trace: carried onto every event the command appends. */
export function commandMeta(context: HandlerContext): CommandMeta {
  return { actor: context.actor, correlationId: context.correlationId, traceparent: context.traceparent ?? null };
}
