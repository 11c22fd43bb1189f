import { randomUUID } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { statusSubject, type ServiceName } from '@powernode/contracts';

export interface ServiceInstanceStatus {
  service: string;
  instance: string;
  version: string;
  started_at: string;
}

/** Every replica answers its service's status subject (no queue group), so callers can count them. */
export function serveStatus(nc: NatsConnection, rpcPrefix: string, service: ServiceName, version: string): Subscription {
  const status: ServiceInstanceStatus = { service, instance: randomUUID(), version, started_at: new Date().toISOString() };
  return nc.subscribe(statusSubject(rpcPrefix, service), {
    callback: (_err, msg) => {
      if (msg.reply) msg.respond(JSON.stringify(status));
    },
  });
}

/** Asks every replica of `service` for its status, waiting at most `maxWaitMs`. */
export async function collectStatus(nc: NatsConnection, rpcPrefix: string, service: ServiceName, maxWaitMs = 500): Promise<ServiceInstanceStatus[]> {
  const found: ServiceInstanceStatus[] = [];
  try {
    const replies = await nc.requestMany(statusSubject(rpcPrefix, service), '', { maxWait: maxWaitMs, strategy: 'timer' });
    for await (const msg of replies) found.push(msg.json<ServiceInstanceStatus>());
  } catch {
    // no responders: the service is not running
  }
  return found;
}
