import type { MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { storeSubjects, type EventStoreConfig } from './stream-config.js';

/** One stored commit message as it sits in the stream, not yet parsed or validated. */
export interface StoredCommit {
  seq: number;
  subject: string;
  data: Uint8Array;
  headers?: MsgHdrs;
}

/** Reads the store's commits in stream order from `fromSeq` (inclusive) up to the last one stored when called. */
export async function* readCommits(nc: NatsConnection, config: EventStoreConfig, fromSeq = 1, batchSize = 500): AsyncGenerator<StoredCommit> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(config.stream);
  const lastSeq = state.last_seq;
  if (state.messages === 0 || lastSeq < Math.max(fromSeq, state.first_seq)) return;
  // An ordered consumer recreates itself on gaps and cleans up after itself: right for a one-off scan.
  const consumer = await jetstream(nc).consumers.get(config.stream, {
    filter_subjects: storeSubjects(config),
    deliver_policy: fromSeq > 1 ? DeliverPolicy.StartSequence : DeliverPolicy.All,
    ...(fromSeq > 1 ? { opt_start_seq: fromSeq } : {}),
  });
  const messages = await consumer.consume({ max_messages: batchSize });
  try {
    for await (const m of messages) {
      yield { seq: m.seq, subject: m.subject, data: m.data, ...(m.headers ? { headers: m.headers } : {}) };
      // `pending` covers a deleted last message, which would otherwise leave us waiting for lastSeq forever.
      if (m.seq >= lastSeq || m.info.pending === 0) break;
    }
  } finally {
    await messages.close().catch(() => undefined);
  }
}
