import type { NatsConnection } from '@nats-io/transport-node';
import type { JsMsg } from '@nats-io/jetstream';

/** Acks on a closed connection throw; the message simply gets redelivered, which the checkpoint absorbs. */
export function settle(action: () => void): void {
  try {
    action();
  } catch {
    // redelivery is the recovery
  }
}

/**
 * Terminates a poison message. Servers before 2.10.4 only accept a bare `+TERM` and silently ignore
 * `+TERM <reason>`, which would leave the message pending until ack_wait; the reason is in the dead letter anyway.
 */
export function terminate(nc: NatsConnection, m: JsMsg, reason: string): void {
  settle(() => (termTakesReason(nc) ? m.term(reason.slice(0, 200)) : m.term()));
}

function termTakesReason(nc: NatsConnection): boolean {
  const [major = 0, minor = 0, patch = 0] = (nc.info?.version ?? '0.0.0').split(/[.-]/).map(Number);
  return major > 2 || (major === 2 && (minor > 10 || (minor === 10 && patch >= 4)));
}
