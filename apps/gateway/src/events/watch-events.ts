import { tailEvents } from '@powernode/eventstore';
import type { GatewayRuntime } from '../runtime.js';

export interface WatchedEvent {
  id: string;
  kind: string;
  aggregate_id: string;
  occurred_at: string;
  actor: string;
  data: Record<string, unknown>;
}

/**
 * Live events whose kind starts with `kindPrefix`, until `signal` aborts. Subscribes before it
 * returns, so nothing published after the call is missed; a slow reader's buffer grows.
 */
export function watchEvents(runtime: GatewayRuntime, kindPrefix: string, signal: AbortSignal): AsyncIterable<WatchedEvent> {
  const buffer: WatchedEvent[] = [];
  let wake: (() => void) | undefined;
  const tail = tailEvents(runtime.nc, runtime.store.config, runtime.registry, kindPrefix.replace(/\.$/, ''), (e) => {
    buffer.push({ id: e.id, kind: e.kind, aggregate_id: e.aggregate_id, occurred_at: e.occurred_at, actor: e.actor, data: e.data });
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  async function* drain(): AsyncGenerator<WatchedEvent> {
    try {
      while (!signal.aborted) {
        const next = buffer.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      tail.stop();
    }
  }
  return drain();
}
