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
/** `\u0000` in JSON text, not preceded by an odd number of backslashes (which would make it literal text). */
const ENCODED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

/** Appends commits to aggregates with optimistic concurrency and loads their history (DESIGN §2). */
export class EventStore {
  private readonly js: JetStreamClient;
  private jsm?: Promise<JetStreamManager>;
  /** Histories read so far, per aggregate subject, least recently loaded first. */
  private readonly history = new Map<string, LoadedStream>();

  constructor(
    private readonly nc: NatsConnection,
    readonly config: EventStoreConfig,
    private readonly registry: EventRegistry,
    /** How many aggregates' histories stay in memory between loads. */
    private readonly keepAggregates = 5_000,
  ) {
    this.js = jetstream(nc);
  }

  /**
   * Every event of the aggregate in order, validated and upcast to the latest schema of its kind. Stored history
   * never changes, so what an earlier load read is kept (for the most recently loaded aggregates) and a load only
   * reads the commits after it: one request for an aggregate nobody else wrote since, however long its history.
   * Another writer's commits (another replica) are simply the ones found after the kept position.
   */
  async load(ref: AggregateRef): Promise<LoadedStream> {
    const subject = aggregateSubject(this.config.subjectPrefix, ref);
    const jsm = await (this.jsm ??= jetstreamManager(this.nc));
    const kept = this.history.get(subject);
    const loaded: LoadedStream = kept ? { events: [...kept.events], version: kept.version, position: kept.position } : { events: [], version: 0, position: 0 };
    // MSG.GET with next_by_subj walks one subject on the stream leader (consistent, no consumer to create);
    // 2.9 has no batch get.
    for (let seq = loaded.position + 1; ; ) {
      const query = { seq, next_by_subj: subject } as unknown as MsgRequest;
      const msg = await jsm.streams.getMessage(this.config.stream, query);
      if (!msg) break;
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
    this.keep(subject, loaded);
    return loaded;
  }

  /** Most recently loaded first out of the map's insertion order: a re-load moves the aggregate to the back. */
  private keep(subject: string, loaded: LoadedStream): void {
    this.history.delete(subject);
    if (loaded.version === 0) return;
    this.history.set(subject, { events: [...loaded.events], version: loaded.version, position: loaded.position });
    if (this.history.size > this.keepAggregates) this.history.delete(this.history.keys().next().value as string);
  }

  /** Stores the events as one commit if the aggregate is still at `expected`; else throws ConcurrencyConflict. */
  async append(ref: AggregateRef, expected: Expected, events: NewEvent[], meta: CommandMeta): Promise<AppendResult> {
    const { subject, commit } = buildCommit(this.config.subjectPrefix, this.registry, ref, expected, events, meta);
    const json = JSON.stringify(commit);
    // Every read model is PostgreSQL, which cannot store U+0000 in text or jsonb: such an event would stop each
    // projection at it for good. JSON.stringify writes NUL as \u0000 (a literal backslash would be doubled).
    if (ENCODED_NUL.test(json)) throw new PlatformError('InvalidInput', `a string in the events for ${subject} contains U+0000 (NUL)`, { subject, issues: [{ field: '(root)', message: 'contains U+0000 (NUL)' }] });
    const payload = encoder.encode(json);
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
