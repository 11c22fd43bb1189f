import { schemaOf } from '@powernode/eventstore';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Bootstrap tokens (hashed), the certificates agents hold, and agent liveness, shared by every replica. */
export class HandshakeStorage1764000200000 implements MigrationInterface {
  name = 'HandshakeStorage1764000200000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection.options);
    await runner.query(`CREATE TABLE "${s}".bootstrap_tokens (
      token_sha256 text PRIMARY KEY,
      instance_id text NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE INDEX bootstrap_tokens_instance ON "${s}".bootstrap_tokens (instance_id)`);
    await runner.query(`CREATE TABLE "${s}".agent_certificates (
      serial text PRIMARY KEY,
      instance_id text NOT NULL,
      not_after timestamptz NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE INDEX agent_certificates_instance ON "${s}".agent_certificates (instance_id)`);
    await runner.query(`CREATE TABLE "${s}".agents (
      instance_id text PRIMARY KEY,
      status text NOT NULL,
      last_heartbeat_at timestamptz,
      facts jsonb)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection.options);
    await runner.query(`DROP TABLE "${s}".agents`);
    await runner.query(`DROP TABLE "${s}".agent_certificates`);
    await runner.query(`DROP TABLE "${s}".bootstrap_tokens`);
  }
}

/**
 * The key a bootstrap token was redeemed for: an agent whose enrolment answer was lost (it timed out while the platform
 * finished) retries with the same token and the same key, and gets its certificate instead of a refusal.
 */
export class HandshakeTokenKey1768000000000 implements MigrationInterface {
  name = 'HandshakeTokenKey1768000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "${schemaOf(runner.connection.options)}".bootstrap_tokens ADD COLUMN used_by_key text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "${schemaOf(runner.connection.options)}".bootstrap_tokens DROP COLUMN used_by_key`);
  }
}
