import { withAdvisoryLock } from '@powernode/service-kit';
import { PlatformError } from '@powernode/contracts';
import { projectionTable } from '@powernode/eventstore';
import type { DataSource } from 'typeorm';
import { eventLogProjection, type EventLogRow } from './event-log.projection.js';

export interface RecentEventsQuery {
  kind_prefix: string;
  limit: number;
  after?: string;
}

/** Reads the gateway's event-log projection: newest first, by kind prefix, after a cursor. */
export class EventLogQuery {
  private readonly table: string;

  constructor(private readonly db: DataSource, schema: string) {
    this.table = `"${schema}"."${projectionTable(eventLogProjection([]))}"`;
  }

  async ensureIndexes(): Promise<void> {
    // Replicas booting together would race CREATE INDEX IF NOT EXISTS (PostgreSQL then fails on pg_class).
    await withAdvisoryLock(this.db, `powernode.index.${this.table}`, async () => {
      await this.db.query(`CREATE INDEX IF NOT EXISTS event_log_kind ON ${this.table} ((doc->>'kind') text_pattern_ops, position DESC)`);
      await this.db.query(`CREATE INDEX IF NOT EXISTS event_log_position ON ${this.table} (position DESC)`);
    });
  }

  async recent(query: RecentEventsQuery): Promise<EventLogRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const prefix = query.kind_prefix.replace(/\.$/, '');
    if (prefix !== 'system') {
      params.push(prefix, `${prefix.replace(/_/g, '\\_')}.%`);
      where.push(`(doc->>'kind' = $1 OR doc->>'kind' LIKE $2)`);
    }
    if (query.after) {
      const cursor: { position: string; idx: number }[] = await this.db.query(
        `SELECT position, (doc->>'index')::int AS idx FROM ${this.table} WHERE key = $1`,
        [query.after],
      );
      if (!cursor[0]) throw new PlatformError('NotFound', `no event ${query.after} in the event log`, { after: query.after });
      params.push(cursor[0].position, cursor[0].idx);
      where.push(`(position, (doc->>'index')::int) > ($${params.length - 1}::bigint, $${params.length}::int)`);
    }
    params.push(query.limit);
    const rows: { doc: EventLogRow }[] = await this.db.query(
      `SELECT doc FROM ${this.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY position DESC, (doc->>'index')::int DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => r.doc);
  }
}
