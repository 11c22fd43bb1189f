import type { DataSource, QueryRunner } from 'typeorm';
import { PlatformError } from '@powernode/contracts';
import { ident } from './projection.js';

type Key = { name: string; version: number };

/** Makes sure the projection has a checkpoint row (at 0), so it can be locked. */
export async function ensureCheckpoint(ds: DataSource, schema: string, p: Key): Promise<void> {
  await ds.query(
    `INSERT INTO ${ident(schema)}.projection_checkpoints (projection, version, position) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING`,
    [p.name, p.version],
  );
}

/** The checkpoint as committed. */
export async function readCheckpoint(ds: DataSource, schema: string, p: Key): Promise<number> {
  const rows: { position: string }[] = await ds.query(
    `SELECT position FROM ${ident(schema)}.projection_checkpoints WHERE projection = $1 AND version = $2`,
    [p.name, p.version],
  );
  return rows.length ? Number(rows[0]!.position) : 0;
}

/** Locks the checkpoint row for this transaction, so two runners of one projection serialise. */
export async function lockCheckpoint(q: QueryRunner, schema: string, p: Key): Promise<number> {
  const rows: { position: string }[] = await q.query(
    `SELECT position FROM ${ident(schema)}.projection_checkpoints WHERE projection = $1 AND version = $2 FOR UPDATE`,
    [p.name, p.version],
  );
  if (!rows.length) throw new PlatformError('IllegalState', `projection ${p.name} v${p.version} has no checkpoint row`);
  return Number(rows[0]!.position);
}

/** Compare-and-set: moves the checkpoint from `from` to `to`, or throws if someone else moved it. */
export async function advanceCheckpoint(q: QueryRunner, schema: string, p: Key, from: number, to: number): Promise<void> {
  const result = await q.query(
    `UPDATE ${ident(schema)}.projection_checkpoints SET position = $4, updated_at = now()
     WHERE projection = $1 AND version = $2 AND position = $3`,
    [p.name, p.version, from, to],
    true,
  );
  if (result.affected !== 1) throw new PlatformError('Conflict', `checkpoint of ${p.name} v${p.version} moved away from ${from}`);
}
