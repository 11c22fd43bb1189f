import { projectionTable, type Projection } from '@powernode/eventstore';
import type { CatalogRuntime } from './runtime.js';

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

/** The documents of a read model matching `filters`, in `orderBy` order. */
export async function selectRows<R extends Record<string, unknown>>(
  runtime: CatalogRuntime,
  projection: Projection<R>,
  filters: Filters,
  orderBy: string,
  limit?: number,
): Promise<R[]> {
  const params = [...filters.params];
  if (limit !== undefined) params.push(limit);
  const rows: { doc: R }[] = await runtime.db.query(
    `SELECT doc FROM "${runtime.config.DATABASE_SCHEMA}"."${projectionTable(projection)}"
      ${filters.conditions.length ? `WHERE ${filters.conditions.join(' AND ')}` : ''}
      ORDER BY ${orderBy}${limit !== undefined ? ` LIMIT $${params.length}` : ''}`,
    params,
  );
  return rows.map((r) => r.doc);
}

/** One document by key, or undefined. */
export async function selectRow<R extends Record<string, unknown>>(runtime: CatalogRuntime, projection: Projection<R>, key: string): Promise<R | undefined> {
  return (await selectRows(runtime, projection, new Filters().add('key = $?', key), 'key', 1))[0];
}
