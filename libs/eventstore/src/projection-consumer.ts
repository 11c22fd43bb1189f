import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstreamManager, JetStreamApiCodes, JetStreamApiError, type ConsumerInfo } from '@nats-io/jetstream';
import { storeSubjects, type EventStoreConfig } from './stream-config.js';

export interface ConsumerSpec {
  durable: string;
  /** PostgreSQL's checkpoint: the truth about what the projection has applied. */
  checkpoint: number;
  batchSize: number;
  ackWaitMs: number;
}

/**
 * Creates the projection's durable pull consumer, delivering from checkpoint + 1. An existing consumer is
 * kept unless it acknowledged past the checkpoint (e.g. the schema was dropped or restored): then it is
 * recreated, because it would never deliver those events again.
 */
export async function ensureProjectionConsumer(nc: NatsConnection, store: EventStoreConfig, spec: ConsumerSpec): Promise<ConsumerInfo> {
  const jsm = await jetstreamManager(nc);
  const existing = await jsm.consumers.info(store.stream, spec.durable).catch((error: unknown) => {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return null;
    throw error;
  });
  if (existing && existing.ack_floor.stream_seq <= spec.checkpoint) {
    const sameLimits = existing.config.max_ack_pending === spec.batchSize && existing.config.ack_wait === nanos(spec.ackWaitMs);
    return sameLimits
      ? existing
      : jsm.consumers.update(store.stream, spec.durable, { max_ack_pending: spec.batchSize, ack_wait: nanos(spec.ackWaitMs) });
  }
  if (existing) await jsm.consumers.delete(store.stream, spec.durable);
  return jsm.consumers.add(store.stream, {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    filter_subject: storeSubjects(store),
    ...(spec.checkpoint > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: spec.checkpoint + 1 } : { deliver_policy: DeliverPolicy.All }),
    // One batch in flight: redeliveries cannot overtake newer events by much, and the gap check covers the rest.
    max_ack_pending: spec.batchSize,
    ack_wait: nanos(spec.ackWaitMs),
  });
}
