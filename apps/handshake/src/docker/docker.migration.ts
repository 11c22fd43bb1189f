import { schemaOf } from '@powernode/eventstore';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daemon server certificates the handshake obtained for DockerHosts (public material only: the keys stay on
 * the nodes). Events carry serials; a repeated wants_cert with the same key answers the certificate from here
 * instead of asking the CA for another.
 */
export class HandshakeDockerCertificates1766000000000 implements MigrationInterface {
  name = 'HandshakeDockerCertificates1766000000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection.options);
    await runner.query(`CREATE TABLE "${s}".docker_daemon_certificates (
      serial text PRIMARY KEY,
      host_id text NOT NULL,
      public_key_sha256 text NOT NULL,
      cert_pem text NOT NULL,
      chain_pem jsonb NOT NULL,
      not_after timestamptz NOT NULL,
      issued_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE INDEX docker_daemon_certificates_host ON "${s}".docker_daemon_certificates (host_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner.connection.options);
    await runner.query(`DROP TABLE "${s}".docker_daemon_certificates`);
  }
}
