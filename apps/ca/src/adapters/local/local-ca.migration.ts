import { schemaOf } from '@powernode/eventstore';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Storage of the local CA: its (encrypted) keys, its revocations and its CRLs, shared by every replica. */
export class LocalCaStorage1764000100000 implements MigrationInterface {
  name = 'LocalCaStorage1764000100000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection.options);
    await runner.query(`CREATE TABLE "${s}".local_ca (
      id text PRIMARY KEY,
      root_cert_pem text NOT NULL,
      root_key_enc text NOT NULL,
      intermediate_cert_pem text NOT NULL,
      intermediate_key_enc text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE TABLE "${s}".local_ca_revocations (
      serial text PRIMARY KEY,
      reason text NOT NULL,
      revoked_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE TABLE "${s}".local_ca_crls (
      crl_number bigint PRIMARY KEY,
      pem text NOT NULL,
      der bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection.options);
    await runner.query(`DROP TABLE "${s}".local_ca_crls`);
    await runner.query(`DROP TABLE "${s}".local_ca_revocations`);
    await runner.query(`DROP TABLE "${s}".local_ca`);
  }
}
