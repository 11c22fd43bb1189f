import { projectionTable, type Projection } from '@powernode/eventstore';
import type { DataSource } from 'typeorm';

/** What a read-model query needs of a service: its database and its schema. */
export interface ReadModelHost {
  db: Pick<DataSource, 'query'>;
  config: { DATABASE_SCHEMA: string };
}

/** A WHERE clause built from optional filters; `$?` in each condition becomes its parameter. */
export class Filters {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  add(sql: string, value: unknown): this {
    if (value === undefined) return this;
    this.params.push(value);
    this.conditions.push(sql.replace('$?', `$${this.params.length}`));
    return this;
  }

  raw(sql: string): this {
    this.conditions.push(sql);
    return this;
  }
}

/** Documents of a projection's table matching a WHERE clause over `doc` (parameters `$1..`), in `orderBy` order. */
export async function selectDocs<R extends Record<string, unknown>>(
  host: ReadModelHost,
  projection: Projection<R>,
  where: string,
  params: unknown[],
  orderBy = 'key',
  limit?: number,
): Promise<R[]> {
  const all = limit === undefined ? params : [...params, limit];
  const rows: { doc: R }[] = await host.db.query(
    `SELECT doc FROM "${host.config.DATABASE_SCHEMA}"."${projectionTable(projection)}" ${where ? `WHERE ${where}` : ''}
      ORDER BY ${orderBy}${limit === undefined ? '' : ` LIMIT $${all.length}`}`,
    all,
  );
  return rows.map((r) => r.doc);
}

/** The documents matching `filters`, in `orderBy` order. */
export function selectRows<R extends Record<string, unknown>>(host: ReadModelHost, projection: Projection<R>, filters: Filters, orderBy: string, limit?: number): Promise<R[]> {
  return selectDocs(host, projection, filters.conditions.join(' AND '), filters.params, orderBy, limit);
}

/** One document by key, or undefined. */
export async function selectRow<R extends Record<string, unknown>>(host: ReadModelHost, projection: Projection<R>, key: string): Promise<R | undefined> {
  return (await selectDocs(host, projection, 'key = $1', [key], 'key', 1))[0];
}
