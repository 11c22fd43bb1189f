import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JsMsg, type MsgRequest } from '@nats-io/jetstream';
import { EVENT_HEADERS, type EventEnvelope, type EventRegistry } from '@powernode/contracts';
import type { DataSource } from 'typeorm';
import { applyCommits } from './apply-commits.js';
import { advanceCheckpoint, lockCheckpoint } from './checkpoint-sql.js';
import type { Projection, ProjectionPosition } from './projection.js';
import type { ProjectionLogger } from './projection-runner.js';
import { settle, terminate } from './settle.js';
import { storeSubjects, type EventStoreConfig } from './stream-config.js';

export interface BatchContext<Row extends Record<string, unknown>> {
  nc: NatsConnection;
  dataSource: DataSource;
  store: EventStoreConfig;
  registry: EventRegistry;
  projection: Projection<Row>;
  schema: string;
  table: string;
  ackWaitMs: number;
  logger: ProjectionLogger;
  onApplied?: (event: EventEnvelope, position: ProjectionPosition) => void | Promise<void>;
}

// Messages that arrived ahead of an earlier, still-unapplied one come back soon, after the earlier one.
const DEFER_MS = 200;

/**
 * What the runner knows beyond its checkpoint row. `through`: every commit up to it was applied (and committed)
 * or carries no kind the projection handles, and was acked; 0 when unknown (a runner that just started).
 * `committed`: the checkpoint as this runner last wrote or read it. Commits in (committed, through] are all of
 * kinds the projection ignores; the next transaction, or a flush, moves the checkpoint over them.
 */
export interface RunnerMemory {
  through: number;
  committed: number;
  /** When this runner last wrote its checkpoint (ms since the epoch). */
  writtenAt: number;
}

/** Under a steady stream the runner is never idle long enough to flush: a batch this long after the last write writes. */
const MAX_UNWRITTEN_MS = 1_000;

/**
 * A batch that continues exactly where the runner is (no gap, no redelivery) and whose commits all carry only kinds
 * the projection does not handle (read from the kinds header, so without parsing) changes nothing in PostgreSQL:
 * it is acked without a transaction, and `memory.through` moves over it.
 */
function ignorable(sorted: JsMsg[], handles: ReadonlySet<string>, memory: RunnerMemory): boolean {
  if (memory.through === 0 || Date.now() - memory.writtenAt > MAX_UNWRITTEN_MS) return false;
  return sorted.every((m, i) => {
    const kinds = m.headers?.get(EVENT_HEADERS.kinds);
    return m.seq === memory.through + 1 + i && kinds !== undefined && kinds !== '' && !kinds.split(',').some((kind) => handles.has(kind));
  });
}

/**
 * One batch, one transaction: lock the checkpoint, skip what it already covers, apply the rest in
 * stream order, move the checkpoint (compare-and-set), commit; only then ack. A crash anywhere before
 * the commit loses nothing; a crash after it only causes redelivery, which the checkpoint skips.
 */
export async function processBatch<Row extends Record<string, unknown>>(ctx: BatchContext<Row>, batch: JsMsg[], memory: RunnerMemory): Promise<void> {
  const sorted = [...batch].sort((a, b) => a.seq - b.seq);
  const { dataSource, schema, projection } = ctx;
  if (ignorable(sorted, new Set(projection.canHandle), memory)) {
    for (const m of sorted) settle(() => m.ack());
    memory.through = sorted[sorted.length - 1]!.seq;
    return;
  }
  const q = dataSource.createQueryRunner();
  // A slow batch (big transaction, slow hook) must not be redelivered to a second runner meanwhile.
  const keepAlive = setInterval(() => sorted.forEach((m) => settle(() => m.working())), Math.max(ctx.ackWaitMs / 3, 100));
  try {
    let accepted: JsMsg[] = [];
    let skipped: JsMsg[] = [];
    let deferred: JsMsg[] = [];
    let outcome;
    await q.connect();
    await q.startTransaction();
    try {
      const checkpoint = await lockCheckpoint(q, schema, projection);
      // What this runner acked as ignorable since its last write counts as done (see RunnerMemory).
      const from = Math.max(checkpoint, memory.through);
      ({ accepted, skipped, deferred } = await partition(ctx, sorted, from));
      const commits = accepted.map((m) => ({ seq: m.seq, subject: m.subject, data: m.data, ...(m.headers ? { headers: m.headers } : {}) }));
      outcome = await applyCommits(q, { ...ctx, recordDeadLetters: true }, commits);
      const to = accepted.length ? accepted[accepted.length - 1]!.seq : from;
      if (to > checkpoint) await advanceCheckpoint(q, schema, projection, checkpoint, to);
      await q.commitTransaction();
      memory.committed = Math.max(checkpoint, to);
      memory.through = memory.committed;
      memory.writtenAt = Date.now();
    } catch (error) {
      if (q.isTransactionActive) await q.rollbackTransaction().catch(() => undefined);
      throw error;
    }
    for (const letter of outcome.deadLetters) {
      ctx.logger.warn({ projection: ctx.table, seq: letter.seq, index: letter.index, kind: letter.kind, error: letter.error }, 'event dead-lettered');
    }
    if (skipped.length) ctx.logger.info({ projection: ctx.table, skipped: skipped.map((m) => m.seq) }, 'skipped already applied messages');
    for (const { event, position } of outcome.applied) await ctx.onApplied?.(event, position);
    const dead = new Map(outcome.deadLetters.map((l) => [l.seq, l.error]));
    for (const m of [...skipped, ...accepted]) {
      const reason = dead.get(m.seq);
      if (reason === undefined) settle(() => m.ack());
      else terminate(ctx.nc, m, reason);
    }
    for (const m of deferred) settle(() => m.nak(DEFER_MS));
  } finally {
    clearInterval(keepAlive);
    await q.release().catch(() => undefined);
  }
}

/**
 * Splits a sorted batch at the checkpoint. A message whose seq is not checkpoint + 1 is applied only if the
 * stream holds nothing in between (deleted messages leave gaps); otherwise an earlier message is still on
 * its way back (nak'ed after a failure) and this one, and all after it, must wait for it.
 */
async function partition<Row extends Record<string, unknown>>(ctx: BatchContext<Row>, sorted: JsMsg[], checkpoint: number) {
  const accepted: JsMsg[] = [];
  const skipped: JsMsg[] = [];
  let last = checkpoint;
  for (let i = 0; i < sorted.length; i += 1) {
    const m = sorted[i]!;
    if (m.seq <= last) {
      skipped.push(m);
      continue;
    }
    if (m.seq !== last + 1 && (await firstSeqAfter(ctx, last)) < m.seq) return { accepted, skipped, deferred: sorted.slice(i) };
    accepted.push(m);
    last = m.seq;
  }
  return { accepted, skipped, deferred: [] as JsMsg[] };
}

async function firstSeqAfter(ctx: Pick<BatchContext<never>, 'nc' | 'store'>, seq: number): Promise<number> {
  const jsm = await jetstreamManager(ctx.nc, { checkAPI: false });
  const query = { seq: seq + 1, next_by_subj: storeSubjects(ctx.store) } as unknown as MsgRequest;
  const msg = await jsm.streams.getMessage(ctx.store.stream, query);
  return msg?.seq ?? Number.POSITIVE_INFINITY;
}

/** Moves the checkpoint over what the runner acked as ignorable (RunnerMemory), unless it is already past it. */
export async function flushCheckpoint(ctx: Pick<BatchContext<never>, 'dataSource' | 'schema'> & { projection: { name: string; version: number } }, memory: RunnerMemory): Promise<void> {
  if (memory.through <= memory.committed) return;
  const through = memory.through;
  const q = ctx.dataSource.createQueryRunner();
  try {
    await q.connect();
    await q.startTransaction();
    try {
      const checkpoint = await lockCheckpoint(q, ctx.schema, ctx.projection);
      if (checkpoint < through) await advanceCheckpoint(q, ctx.schema, ctx.projection, checkpoint, through);
      await q.commitTransaction();
      memory.committed = Math.max(checkpoint, through);
      memory.writtenAt = Date.now();
    } catch (error) {
      if (q.isTransactionActive) await q.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await q.release().catch(() => undefined);
  }
}
