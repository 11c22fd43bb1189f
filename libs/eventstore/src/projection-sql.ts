import type { QueryRunner } from 'typeorm';
import type { DeadLetter } from './decode-for-projection.js';
import { ident } from './projection.js';

/** A projection table in a schema: `"schema"."table"`. */
export function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}

/** Creates a projection's table if missing: one jsonb document per key, with the seq that last wrote it. */
export async function createProjectionTable(q: { query(sql: string): Promise<unknown> }, schema: string, table: string): Promise<void> {
  await q.query(`CREATE TABLE IF NOT EXISTS ${qualified(schema, table)} (key text PRIMARY KEY, position bigint NOT NULL, doc jsonb NOT NULL)`);
}

/** The current documents of `keys`, parsed. */
export async function loadRows(q: QueryRunner, schema: string, table: string, keys: string[]): Promise<Map<string, Record<string, unknown>>> {
  if (keys.length === 0) return new Map();
  const rows: { key: string; doc: Record<string, unknown> }[] = await q.query(
    `SELECT key, doc FROM ${qualified(schema, table)} WHERE key = ANY($1::text[])`,
    [keys],
  );
  return new Map(rows.map((r) => [r.key, r.doc]));
}

/** Writes a batch's outcome in two statements: one multi-row upsert, one delete. */
export async function writeRows(q: QueryRunner, schema: string, table: string, rows: Map<string, { doc: string | null; position: number }>): Promise<void> {
  const upserts = [...rows].filter(([, r]) => r.doc !== null);
  const deletes = [...rows].filter(([, r]) => r.doc === null).map(([key]) => key);
  if (upserts.length) {
    await q.query(
      `INSERT INTO ${qualified(schema, table)} (key, position, doc)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[])
       ON CONFLICT (key) DO UPDATE SET position = EXCLUDED.position, doc = EXCLUDED.doc`,
      [upserts.map(([k]) => k), upserts.map(([, r]) => r.position), upserts.map(([, r]) => r.doc)],
    );
  }
  if (deletes.length) await q.query(`DELETE FROM ${qualified(schema, table)} WHERE key = ANY($1::text[])`, [deletes]);
}

/** Records dead letters; a redelivered batch finds them already there and leaves them be. */
export async function insertDeadLetters(q: QueryRunner, schema: string, projection: { name: string; version: number }, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await q.query(
    `INSERT INTO ${ident(schema)}.projection_dead_letters (projection, version, seq, index, event_id, kind, error, payload)
     SELECT $1::text, $2::int, * FROM unnest($3::bigint[], $4::int[], $5::text[], $6::text[], $7::text[], $8::jsonb[])
     ON CONFLICT DO NOTHING`,
    [
      projection.name,
      projection.version,
      letters.map((l) => l.seq),
      letters.map((l) => l.index),
      letters.map((l) => l.eventId),
      letters.map((l) => l.kind),
      letters.map((l) => l.error),
      letters.map((l) => JSON.stringify(l.payload)),
    ],
  );
}
