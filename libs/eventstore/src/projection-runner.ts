import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { PlatformError, type EventEnvelope, type EventRegistry } from '@powernode/contracts';
import { schemaOf } from './schema-of.js';
import type { DataSource } from 'typeorm';
import { ensureCheckpoint, readCheckpoint } from './checkpoint-sql.js';
import { ensureProjectionConsumer } from './projection-consumer.js';
import { projectionTable, type Projection, type ProjectionPosition } from './projection.js';
import { createProjectionTable } from './projection-sql.js';
import { flushCheckpoint, processBatch, type RunnerMemory } from './process-batch.js';
import { settle } from './settle.js';
import type { EventStoreConfig } from './stream-config.js';

/** The subset of pino the runner logs through. */
export interface ProjectionLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ProjectionRunnerOptions<Row extends Record<string, unknown>> {
  nc: NatsConnection;
  dataSource: DataSource;
  store: EventStoreConfig;
  registry: EventRegistry;
  /** Names the durable consumer `${service}_${name}_v${version}`. */
  service: string;
  projection: Projection<Row>;
  logger?: ProjectionLogger;
  /** Messages per transaction and the consumer's max_ack_pending; default 256. */
  batchSize?: number;
  /** The consumer's ack_wait: how long an unacked message waits before redelivery; default 30 s. */
  ackWaitMs?: number;
  /** Called per applied event after the transaction commits and before the ack; awaited. */
  onApplied?: (event: EventEnvelope, position: ProjectionPosition) => void | Promise<void>;
}

const MAX_BACKOFF_MS = 5_000;
/** How long commits the projection ignores may sit acked but not checkpointed (nothing waits on them meanwhile). */
const FLUSH_MS = 500;
const silent: ProjectionLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Keeps one projection's table up to date from a durable JetStream consumer, one transaction per batch. */
export class ProjectionRunner<Row extends Record<string, unknown>> {
  private readonly schema: string;
  private readonly table: string;
  private readonly batchSize: number;
  private readonly ackWaitMs: number;
  private readonly logger: ProjectionLogger;
  private buffer: JsMsg[] = [];
  private wake: (() => void) | null = null;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private stopping = false;
  private stopped: Promise<void> = Promise.resolve();
  private signalStopped: () => void = () => undefined;
  private memory: RunnerMemory = { through: 0, committed: 0, writtenAt: 0 };

  constructor(private readonly options: ProjectionRunnerOptions<Row>) {
    this.schema = schemaOf(options.dataSource.options);
    this.table = projectionTable(options.projection);
    this.batchSize = options.batchSize ?? 256;
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.logger = options.logger ?? silent;
  }

  /** The projection this runner keeps up to date. */
  get projection(): Projection<Row> {
    return this.options.projection;
  }

  /** The durable consumer's name. */
  get consumerName(): string {
    return `${this.options.service}_${this.table}`;
  }

  /** Creates the table and the checkpoint if missing (queries and waitFor work from then on, applying or not). */
  async prepare(): Promise<void> {
    const { dataSource: ds, projection } = this.options;
    // Replicas starting together would race CREATE TABLE IF NOT EXISTS (PostgreSQL then fails on pg_type).
    await ds.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`powernode.projection.${this.schema}.${this.table}`]);
      await createProjectionTable(tx, this.schema, this.table);
    });
    await ensureCheckpoint(ds, this.schema, projection);
  }

  /** Prepares, creates the consumer if missing, then starts applying batches in the background. */
  async start(): Promise<void> {
    if (this.loop) return;
    const { dataSource: ds, projection, nc, store } = this.options;
    await this.prepare();
    const checkpoint = await readCheckpoint(ds, this.schema, projection);
    this.memory = { through: 0, committed: checkpoint, writtenAt: Date.now() };
    await ensureProjectionConsumer(nc, store, { durable: this.consumerName, checkpoint, batchSize: this.batchSize, ackWaitMs: this.ackWaitMs });
    const consumer = await jetstream(nc).consumers.get(store.stream, this.consumerName);
    this.stopping = false;
    this.stopped = new Promise((resolve) => (this.signalStopped = resolve));
    this.messages = await consumer.consume({
      max_messages: this.batchSize,
      callback: (m) => {
        this.buffer.push(m);
        this.wake?.();
      },
    });
    this.loop = this.run();
  }

  /** Stops fetching, lets the current batch finish, and hands unprocessed messages back; keeps the consumer. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.signalStopped();
    await this.messages?.close().catch(() => undefined);
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    for (const m of this.buffer.splice(0)) settle(() => m.nak());
    await this.flush().catch((error: unknown) => this.logger.warn({ err: error, projection: this.table }, 'could not write the checkpoint on stop'));
  }

  /**
   * The stream seq up to which the read model is current: the checkpoint committed in PostgreSQL, or further when
   * this runner has since acked commits the projection ignores.
   */
  async position(): Promise<number> {
    return Math.max(await readCheckpoint(this.options.dataSource, this.schema, this.options.projection), this.memory.through);
  }

  /** Resolves once the checkpoint reaches `seq`, e.g. to read your own write after an append. */
  async waitFor(seq: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.memory.through >= seq) return; // this runner got there: no query needed
      const at = await this.position();
      if (at >= seq) return;
      if (Date.now() >= deadline) throw new PlatformError('Timeout', `projection ${this.table} at ${at}, waited for ${seq}`);
      await sleep(20);
    }
  }

  /** Writes the checkpoint over the commits this runner acked as ignorable (see RunnerMemory). */
  private flush(): Promise<void> {
    return flushCheckpoint({ dataSource: this.options.dataSource, schema: this.schema, projection: this.options.projection }, this.memory);
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (!this.stopping) {
      if (this.buffer.length === 0) {
        const unflushed = this.memory.through > this.memory.committed;
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          if (unflushed) timer = setTimeout(resolve, FLUSH_MS);
        });
        clearTimeout(timer);
        this.wake = null;
        if (unflushed && this.buffer.length === 0 && !this.stopping) {
          await this.flush().catch((error: unknown) => this.logger.warn({ err: error, projection: this.table }, 'could not write the checkpoint; will retry'));
        }
        continue;
      }
      const batch = this.buffer.splice(0, this.batchSize);
      try {
        await processBatch({ ...this.options, schema: this.schema, table: this.table, ackWaitMs: this.ackWaitMs, logger: this.logger }, batch, this.memory);
        backoff = 100;
      } catch (error) {
        // Transient (PostgreSQL down, checkpoint moved, hook failed): nothing was acked, so hand the batch and
        // everything behind it back, and retry later; the loop itself never dies.
        this.logger.error({ err: error, projection: this.table, messages: batch.length }, 'projection batch failed; will retry');
        for (const m of [...batch, ...this.buffer.splice(0)]) settle(() => m.nak(backoff));
        await Promise.race([sleep(backoff), this.stopped]);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
