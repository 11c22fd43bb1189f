import type { NatsConnection } from '@nats-io/transport-node';
import { kindPrefixSubject, type EventEnvelope, type EventRegistry } from '@powernode/contracts';
import { parseStoredCommit } from './parse-commit.js';
import type { EventStoreConfig } from './stream-config.js';

/**
 * Live events whose kind starts with `kindPrefix`, from a plain core NATS subscription (no consumer,
 * no replay: what an external watcher would see). Unreadable messages and events are skipped.
 */
export function tailEvents(
  nc: NatsConnection,
  config: EventStoreConfig,
  registry: EventRegistry,
  kindPrefix: string,
  onEvent: (e: EventEnvelope) => void,
): { stop(): void } {
  const sub = nc.subscribe(kindPrefixSubject(config.subjectPrefix, kindPrefix), {
    callback: (error, msg) => {
      if (error) return;
      let events: EventEnvelope[];
      try {
        events = parseStoredCommit(msg.data, msg.subject, 0).events;
      } catch {
        return;
      }
      for (const event of events) {
        if (!event.kind.startsWith(kindPrefix)) continue;
        let read: EventEnvelope;
        try {
          read = registry.read(event);
        } catch {
          continue;
        }
        try {
          onEvent(read);
        } catch {
          // A failing listener must not end the subscription for the others that follow.
        }
      }
    },
  });
  return { stop: () => sub.unsubscribe() };
}
