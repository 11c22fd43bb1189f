import type { DataSource } from 'typeorm';
import { qualified } from './projection-sql.js';

export interface TableDiff {
  onlyInA: string[];
  onlyInB: string[];
  different: string[];
}

/** Compares two projection tables row by row (key and jsonb doc); empty lists mean equal. */
export async function diffTables(dataSource: DataSource, schema: string, a: string, b: string): Promise<TableDiff> {
  const rows: { key: string; in_a: boolean; in_b: boolean }[] = await dataSource.query(
    `SELECT coalesce(a.key, b.key) AS key, a.key IS NOT NULL AS in_a, b.key IS NOT NULL AS in_b
     FROM ${qualified(schema, a)} a FULL OUTER JOIN ${qualified(schema, b)} b ON a.key = b.key
     WHERE a.key IS NULL OR b.key IS NULL OR a.doc IS DISTINCT FROM b.doc
     ORDER BY 1`,
  );
  return {
    onlyInA: rows.filter((r) => r.in_a && !r.in_b).map((r) => r.key),
    onlyInB: rows.filter((r) => r.in_b && !r.in_a).map((r) => r.key),
    different: rows.filter((r) => r.in_a && r.in_b).map((r) => r.key),
  };
}
