import { projectionTable, type Projection } from '@powernode/eventstore';
import type { SdwanRuntime } from './runtime.js';

/** Documents of a read model matching a WHERE clause over `doc` (parameters `$1..`), in `orderBy` order. */
export async function selectDocs<R extends Record<string, unknown>>(
  runtime: SdwanRuntime,
  projection: Projection<R>,
  where: string,
  params: unknown[],
  orderBy = 'key',
): Promise<R[]> {
  const rows: { doc: R }[] = await runtime.db.query(
    `SELECT doc FROM "${runtime.config.DATABASE_SCHEMA}"."${projectionTable(projection)}" ${where ? `WHERE ${where}` : ''} ORDER BY ${orderBy}`,
    params,
  );
  return rows.map((r) => r.doc);
}
