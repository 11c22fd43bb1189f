import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type MsgRequest } from '@nats-io/jetstream';
import { aggregateSubject, PlatformError, type AggregateRef, type EventRegistry } from '@powernode/contracts';
import { buildCommit } from './build-commit.js';
import { commitHeaders } from './commit-headers.js';
import { ConcurrencyConflict, wrongLastSequence } from './concurrency-conflict.js';
import { parseStoredCommit } from './parse-commit.js';
import { readCommits, type StoredCommit } from './read-commits.js';
import type { EventStoreConfig } from './stream-config.js';
import type { AppendResult, CommandMeta, Expected, LoadedStream, NewEvent } from './types.js';

const encoder = new TextEncoder();

/** Appends commits to aggregates with optimistic concurrency and loads their history (DESIGN §2). */
export class EventStore {
  private readonly js: JetStreamClient;
  private jsm?: Promise<JetStreamManager>;

  constructor(
    private readonly nc: NatsConnection,
    readonly config: EventStoreConfig,
    private readonly registry: EventRegistry,
  ) {
    this.js = jetstream(nc);
  }

  /** Every event of the aggregate in order, validated and upcast to the latest schema of its kind. */
  async load(ref: AggregateRef): Promise<LoadedStream> {
    const subject = aggregateSubject(this.config.subjectPrefix, ref);
    const jsm = await (this.jsm ??= jetstreamManager(this.nc));
    const loaded: LoadedStream = { events: [], version: 0, position: 0 };
    // MSG.GET with next_by_subj walks one subject on the stream leader (consistent, no consumer to create);
    // aggregates hold few commits, and 2.9 has no batch get.
    for (let seq = 1; ; ) {
      const query = { seq, next_by_subj: subject } as unknown as MsgRequest;
      const msg = await jsm.streams.getMessage(this.config.stream, query);
      if (!msg) return loaded;
      const commit = parseStoredCommit(msg.data, subject, msg.seq);
      for (const event of commit.events) {
        if (event.aggregate_version !== loaded.version + 1) {
          throw new PlatformError('Internal', `${subject} seq ${msg.seq}: version ${event.aggregate_version} after ${loaded.version}`);
        }
        loaded.events.push(this.registry.read(event));
        loaded.version += 1;
      }
      loaded.position = msg.seq;
      seq = msg.seq + 1;
    }
  }

  /** Stores the events as one commit if the aggregate is still at `expected`; else throws ConcurrencyConflict. */
  async append(ref: AggregateRef, expected: Expected, events: NewEvent[], meta: CommandMeta): Promise<AppendResult> {
    const { subject, commit } = buildCommit(this.config.subjectPrefix, this.registry, ref, expected, events, meta);
    const payload = encoder.encode(JSON.stringify(commit));
    const max = this.nc.info?.max_payload;
    if (max !== undefined && payload.length > max) {
      throw new PlatformError('PayloadTooLarge', `commit of ${payload.length} bytes exceeds ${max}`, { subject });
    }
    try {
      const ack = await this.js.publish(subject, payload, {
        msgID: commit.commit_id,
        expect: { lastSubjectSequence: expected.position },
        headers: commitHeaders(commit),
      });
      return { events: commit.events, version: expected.version + commit.events.length, position: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      const conflict = wrongLastSequence(error);
      if (conflict) throw new ConcurrencyConflict(subject, expected, conflict.actual);
      throw error;
    }
  }

  /** Reads commits in stream order from `fromSeq` (inclusive) to the last one stored at call time; for rebuilds and tools. */
  readAll(fromSeq = 1, batchSize?: number): AsyncGenerator<StoredCommit> {
    return readCommits(this.nc, this.config, fromSeq, batchSize);
  }
}
