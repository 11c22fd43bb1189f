import { PlatformError } from '@powernode/contracts';
import { projectionTable } from '@powernode/eventstore';
import type { DataSource } from 'typeorm';
import type { AgentIdentity } from '../http/client-identity.js';
import { revokedCertificatesProjection } from './revoked-certificates.projection.js';

/** The agent-identity certificates the handshake issued, per instance: only those speak for an instance. */
export class AgentCertificates {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {}

  private get table(): string {
    return `"${this.schema}".agent_certificates`;
  }

  /** After an enrolment the instance's earlier certificates stop counting (a reinstalled machine replaces them). */
  async enrolled(instanceId: string, serial: string, notAfter: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM ${this.table} WHERE instance_id = $1`, [instanceId]);
      await tx.query(`INSERT INTO ${this.table} (serial, instance_id, not_after) VALUES ($1, $2, $3)`, [serial, instanceId, notAfter]);
    });
  }

  /** A renewal adds a certificate; the old one keeps working until it expires (the agent may not have switched yet). */
  async renewed(instanceId: string, serial: string, notAfter: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.table} WHERE instance_id = $1 AND not_after < now()`, [instanceId]);
    await this.db.query(`INSERT INTO ${this.table} (serial, instance_id, not_after) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [serial, instanceId, notAfter]);
  }

  /** Issued by the handshake to that instance, and not revoked at the CA since. */
  async check(identity: AgentIdentity): Promise<void> {
    const revoked = `"${this.schema}"."${projectionTable(revokedCertificatesProjection)}"`;
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM ${this.table} c WHERE c.serial = $1 AND c.instance_id = $2 AND NOT EXISTS (SELECT 1 FROM ${revoked} r WHERE r.key = c.serial)`,
      [identity.serial, identity.instanceId],
    );
    if (!rows.length) throw new PlatformError('Unauthenticated', 'this certificate does not (or no longer) identify an enrolled agent');
  }
}
