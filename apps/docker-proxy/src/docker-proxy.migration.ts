import { schemaOf } from '@powernode/eventstore';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each host's daemon held at its last sync (docker_sync_host): containers and images as the actions
 * return them. A cache of the daemon, not of the event log: the daemon is the truth for what runs on it.
 */
export class DockerProxySnapshots1767000000000 implements MigrationInterface {
  name = 'DockerProxySnapshots1767000000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection.options);
    await runner.query(`CREATE TABLE "${s}".host_snapshots (
      host_id text PRIMARY KEY,
      containers jsonb NOT NULL,
      images jsonb NOT NULL,
      synced_at timestamptz NOT NULL)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection.options);
    await runner.query(`DROP TABLE "${s}".host_snapshots`);
  }
}

/**
 * The platform registry's status as the replica serving it (the lease holder) last saw it, so every replica answers
 * docker_registry_status alike: a standby reads the holder's row instead of reporting its own idle state.
 */
export class DockerProxyRegistryStatus1767000000001 implements MigrationInterface {
  name = 'DockerProxyRegistryStatus1767000000001';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection.options);
    await runner.query(`CREATE TABLE "${s}".registry_status (
      name text PRIMARY KEY,
      holder text NOT NULL,
      status jsonb NOT NULL,
      updated_at timestamptz NOT NULL)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection.options);
    await runner.query(`DROP TABLE "${s}".registry_status`);
  }
}
