import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of.js';
import { ident } from './projection.js';

/** Each projection's checkpoint: the stream seq of the last commit it applied, moved in the same transaction as its rows. */
export class EventstoreCheckpoints1764000000000 implements MigrationInterface {
  name = 'EventstoreCheckpoints1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = ident(schemaOf(queryRunner.connection.options));
    await queryRunner.query(`CREATE TABLE IF NOT EXISTS ${schema}.projection_checkpoints (
      projection text NOT NULL,
      version integer NOT NULL,
      position bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, version)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${ident(schemaOf(queryRunner.connection.options))}.projection_checkpoints`);
  }
}

/** Events a projection could not apply (bad shape, unknown schema, evolve threw): recorded, skipped, never retried. */
export class EventstoreDeadLetters1764000000001 implements MigrationInterface {
  name = 'EventstoreDeadLetters1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = ident(schemaOf(queryRunner.connection.options));
    await queryRunner.query(`CREATE TABLE IF NOT EXISTS ${schema}.projection_dead_letters (
      projection text NOT NULL,
      version integer NOT NULL,
      seq bigint NOT NULL,
      index integer NOT NULL,
      event_id text,
      kind text,
      error text NOT NULL,
      payload jsonb NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, version, seq, index)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS ${ident(schemaOf(queryRunner.connection.options))}.projection_dead_letters`);
  }
}

/** The event store's migrations, to add to a service's own list (they run in its schema). */
export function eventstoreMigrations(): (new () => MigrationInterface)[] {
  return [EventstoreCheckpoints1764000000000, EventstoreDeadLetters1764000000001];
}
