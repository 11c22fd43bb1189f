import type { NatsConnection } from '@nats-io/transport-node';
import { nanos } from '@nats-io/transport-node';
import { DiscardPolicy, jetstreamManager, JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType, type StreamInfo } from '@nats-io/jetstream';

/** Where one event store lives: its stream and the subject prefix of its aggregates. */
export interface EventStoreConfig {
  stream: string;
  subjectPrefix: string;
  /** Defaults to 1. */
  replicas?: number;
}

// Long enough to absorb a client's publish retries after a lost ack, short enough to bound the server's dedup map.
const DUPLICATE_WINDOW_MS = 2 * 60_000;

/** The wildcard that every aggregate subject of the store falls under. */
export function storeSubjects(config: EventStoreConfig): string {
  return `${config.subjectPrefix}.>`;
}

/** Creates the store's stream, or brings an existing one to the configured subjects and replicas; idempotent. */
export async function ensureStream(nc: NatsConnection, config: EventStoreConfig): Promise<StreamInfo> {
  const jsm = await jetstreamManager(nc);
  const wanted = {
    subjects: [storeSubjects(config)],
    num_replicas: config.replicas ?? 1,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  };
  try {
    const info = await jsm.streams.info(config.stream);
    const same =
      info.config.subjects?.join() === wanted.subjects.join() &&
      info.config.num_replicas === wanted.num_replicas &&
      info.config.duplicate_window === wanted.duplicate_window;
    return same ? info : await jsm.streams.update(config.stream, { ...info.config, ...wanted });
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
  }
  return jsm.streams.add({
    name: config.stream,
    ...wanted,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    // Lets external watchers read single messages cheaply; our own reads stay on the leader API.
    allow_direct: true,
  });
}
