import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import type { Logger } from './logger.js';

export interface LeaseOptions {
  db: DataSource;
  /** The service's own PostgreSQL schema; the `leases` table lives there. */
  schema: string;
  /** What the lease guards, e.g. `health-probes`; one holder per name and schema. */
  name: string;
  /** Who asks; unique per process (default `<hostname>:<pid>:<random>`). */
  holder?: string;
  /** How long a renewal holds the lease without the next one (database clock). Default 10 s; renewed every ttl/3. */
  ttlMs?: number;
  logger?: Logger;
}

/** A change of hands as this process sees it: `held` with the term (fencing token) it holds, or lost. */
export type LeaseListener = (held: boolean, term: number | undefined) => void;

export const DEFAULT_LEASE_TTL_MS = 10_000;

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Creates `"<schema>".leases` once; replicas starting together take turns (CREATE TABLE IF NOT EXISTS races on pg_type). */
async function ensureLeaseTable(db: DataSource, schema: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`powernode.leases.${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS "${schema}".leases (name text PRIMARY KEY, holder text NOT NULL, expires_at timestamptz NOT NULL, term bigint NOT NULL)`,
    );
  });
}

/**
 * A PostgreSQL lease: at most one process of a service (one schema) holds a name at a time. Acquire and renew are one
 * statement judged by the database clock: insert, or take over a row that expired or is already mine; the term grows
 * with every change of holder, so it serves as a fencing token. While started it renews every ttl/3; `isHeld()` trusts a
 * renewal for ttl minus a safety margin (measured from before the statement was sent, so never longer than the
 * database grants); `stop()` releases the row so a standby takes over at its next renewal instead of after expiry.
 */
export class Lease {
  readonly name: string;
  readonly holder: string;
  readonly ttlMs: number;
  private readonly marginMs: number;
  private readonly table: string;
  private readonly listeners = new Set<LeaseListener>();
  private heldSince: number | undefined;
  private renewedAt: number | undefined;
  private currentTerm: number | undefined;
  private reported = false;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private lapse: NodeJS.Timeout | undefined;
  private renewing: Promise<void> | undefined;
  private tableReady: Promise<void> | undefined;

  constructor(private readonly options: LeaseOptions) {
    if (!IDENT.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
    this.name = options.name;
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.marginMs = Math.max(Math.floor(this.ttlMs / 5), 1);
    this.table = `"${options.schema}".leases`;
  }

  /** True while the last successful renewal is younger than ttl minus the safety margin. */
  isHeld(): boolean {
    return this.renewedAt !== undefined && performance.now() - this.renewedAt < this.ttlMs - this.marginMs;
  }

  /** The term of the hold (a fencing token: larger for every later holder), undefined when not held. */
  get term(): number | undefined {
    return this.isHeld() ? this.currentTerm : undefined;
  }

  /** Tries once to acquire or renew now, then keeps doing so every ttl/3 until stop(). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.renewNow();
    this.schedule();
  }

  /** Stops renewing; by default releases the row (a standby takes over at once); `release: false` lets it expire. */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    if (!this.started) return;
    this.started = false;
    clearTimeout(this.timer);
    await this.renewing;
    this.renewedAt = undefined;
    clearTimeout(this.lapse);
    // Unconditionally: a renewal that was in flight may have made me the holder without my knowing.
    if (release) {
      await this.options.db
        .query(`UPDATE ${this.table} SET expires_at = now() - interval '1 millisecond' WHERE name = $1 AND holder = $2`, [this.name, this.holder])
        .catch((error: unknown) => this.options.logger?.warn({ err: error, lease: this.name, holder: this.holder }, 'lease release failed; it expires by itself'));
    }
    this.notify();
  }

  /** Calls `listener(held, term)` on every change of hands (and once now); returns the unsubscribe. */
  subscribe(listener: LeaseListener): () => void {
    this.listeners.add(listener);
    listener(this.isHeld(), this.term);
    return () => this.listeners.delete(listener);
  }

  /** One acquire-or-renew attempt now (also what the background loop runs); resolves once its outcome is known. */
  renewNow(): Promise<void> {
    this.renewing ??= this.renew().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private schedule(): void {
    if (!this.started) return;
    this.timer = setTimeout(() => void this.renewNow().then(() => this.schedule()), Math.max(Math.floor(this.ttlMs / 3), 1));
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    const sentAt = performance.now();
    try {
      this.tableReady ??= ensureLeaseTable(this.options.db, this.options.schema).catch((error: unknown) => {
        this.tableReady = undefined;
        throw error;
      });
      await this.tableReady;
      const rows: { term: string }[] = await this.options.db.query(
        `INSERT INTO ${this.table} AS l (name, holder, expires_at, term) VALUES ($1, $2, now() + $3 * interval '1 millisecond', 1)
         ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
           term = CASE WHEN l.holder = EXCLUDED.holder THEN l.term ELSE l.term + 1 END
         WHERE l.holder = EXCLUDED.holder OR l.expires_at < now()
         RETURNING term`,
        [this.name, this.holder, this.ttlMs],
      );
      if (!this.started) return;
      if (rows.length) {
        this.renewedAt = sentAt;
        this.currentTerm = Number(rows[0]!.term);
        clearTimeout(this.lapse);
        // Should the next renewals not come back in time (database unreachable, event loop stalled), the hold lapses here.
        this.lapse = setTimeout(() => this.notify(), Math.max(sentAt + this.ttlMs - this.marginMs - performance.now(), 0) + 1);
        this.lapse.unref();
      } else {
        this.renewedAt = undefined;
      }
    } catch (error) {
      this.options.logger?.warn({ err: error, lease: this.name, holder: this.holder }, 'lease renewal failed');
    }
    this.notify();
  }

  /** Tells listeners when what isHeld() says differs from what they were last told. */
  private notify(): void {
    const held = this.isHeld();
    if (held === this.reported) return;
    this.reported = held;
    const log = { lease: this.name, holder: this.holder, term: this.currentTerm };
    if (held) {
      this.heldSince = performance.now();
      this.options.logger?.info(log, 'lease acquired');
    } else {
      this.options.logger?.info({ ...log, heldMs: Math.round(performance.now() - (this.heldSince ?? 0)) }, 'lease lost');
    }
    for (const listener of this.listeners) listener(held, held ? this.currentTerm : undefined);
  }
}

export interface LeaderJob {
  /** Stops reacting to the lease, aborts the job if it runs and waits for it to return. */
  stop(): Promise<void>;
}

/**
 * Runs `job(signal)` each time this process gains the lease; `signal` aborts when it loses it (or on stop), and the job
 * should then clean up and return. A new hold waits for the previous run to have returned.
 */
export function runWhileLeader(lease: Lease, job: (signal: AbortSignal) => Promise<void> | void, logger?: Logger): LeaderJob {
  let current: AbortController | undefined;
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  const unsubscribe = lease.subscribe((held) => {
    if (!held) {
      current?.abort();
      current = undefined;
      return;
    }
    if (current || stopped) return;
    const controller = new AbortController();
    current = controller;
    chain = chain
      .then(async () => {
        if (!controller.signal.aborted) await job(controller.signal);
      })
      .catch((error: unknown) => logger?.error({ err: error, lease: lease.name }, 'leader job failed'));
  });
  return {
    stop: async () => {
      stopped = true;
      unsubscribe();
      current?.abort();
      current = undefined;
      await chain;
    },
  };
}

/** Resolves when the signal aborts (a leader job's "run until the lease is lost"). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Runs `work` while holding a session advisory lock on `key` (one replica at a time, e.g. a boot step that creates something once). */
export async function withAdvisoryLock<T>(db: DataSource, key: string, work: () => Promise<T>): Promise<T> {
  const lock = db.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      return await work();
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    await lock.release();
  }
}
