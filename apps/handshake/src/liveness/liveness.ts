import { catalogActions } from '@powernode/contracts';
import type { HandshakeRuntime } from '../runtime.js';
import { returnedRows } from '../sql-rows.js';

type Transition = { instance_id: string; last_heartbeat_at: Date | null };

/**
 * Online while heartbeats (held long-polls included) arrive within 2× the interval, offline after. The state lives
 * in PostgreSQL, shared by every replica: a heartbeat flips a row to online and a sweeper flips stale rows to
 * offline, each with one atomic UPDATE, so one replica sees each transition. The catalog's decider also ignores
 * repeats and transitions based on an older heartbeat, so replicas racing each other cannot make it flap. The sweep
 * runs on the handshake's lease holder only; each replica refreshes the rows of the long-polls it holds itself.
 */
export class Liveness {
  private timer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly runtime: HandshakeRuntime,
    private readonly heldInstances: () => string[],
    /** Whether this replica holds the handshake's lease: only the holder sweeps stale rows to offline. */
    private readonly isLeader: () => boolean = () => true,
  ) {}

  private get table(): string {
    return `"${this.runtime.config.DATABASE_SCHEMA}".agents`;
  }

  private get graceSeconds(): number {
    return 2 * this.runtime.config.HEARTBEAT_INTERVAL_S;
  }

  /** A (re)enrolled agent starts neither online nor offline: its first heartbeat makes it online. */
  async enrolled(instanceId: string): Promise<void> {
    await this.runtime.db.query(
      `INSERT INTO ${this.table} (instance_id, status) VALUES ($1, 'enrolled') ON CONFLICT (instance_id) DO UPDATE SET status = 'enrolled', last_heartbeat_at = NULL`,
      [instanceId],
    );
  }

  /** Records a heartbeat (and its facts); appends `online` when this one made the transition. */
  async beat(instanceId: string, facts: unknown): Promise<void> {
    const rows: (Transition & { previous: string | null })[] = await this.runtime.db.query(
      `INSERT INTO ${this.table} AS a (instance_id, status, last_heartbeat_at, facts) VALUES ($1, 'online', now(), $2)
       ON CONFLICT (instance_id) DO UPDATE SET status = 'online', last_heartbeat_at = now(), facts = EXCLUDED.facts
       RETURNING instance_id, last_heartbeat_at, (SELECT status FROM ${this.table} WHERE instance_id = $1) AS previous`,
      [instanceId, JSON.stringify(facts)],
    );
    const row = rows[0]!;
    if (row.previous !== 'online') await this.record('online', row);
  }

  start(): void {
    const everyMs = Math.max(250, (this.runtime.config.HEARTBEAT_INTERVAL_S * 1000) / 2);
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Held long-polls (this replica's own) count as heartbeats; then, on the lease holder, stale online rows become offline. */
  private async tick(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const held = this.heldInstances();
      if (held.length) {
        await this.runtime.db.query(`UPDATE ${this.table} SET last_heartbeat_at = now() WHERE instance_id = ANY($1::text[]) AND status = 'online'`, [held]);
      }
      if (!this.isLeader()) return;
      const stale = returnedRows<Transition>(
        await this.runtime.db.query(
          `UPDATE ${this.table} SET status = 'offline' WHERE status = 'online' AND last_heartbeat_at < now() - make_interval(secs => $1)
           RETURNING instance_id, last_heartbeat_at`,
          [this.graceSeconds],
        ),
      );
      for (const row of stale) await this.record('offline', row);
    } catch (error) {
      this.runtime.logger.error({ err: error }, 'liveness sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  private async record(event: 'online' | 'offline', row: Transition): Promise<void> {
    const input = { instance_id: row.instance_id, event, last_heartbeat_at: row.last_heartbeat_at?.toISOString() ?? null };
    try {
      await this.runtime.rpc.callInternal(catalogActions.catalogRecordInstanceAgent, input, 'handshake');
    } catch (error) {
      this.runtime.logger.warn({ err: error, ...input }, 'could not record an agent liveness transition');
    }
  }
}
