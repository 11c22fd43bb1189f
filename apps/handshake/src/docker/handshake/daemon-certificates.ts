import type { DataSource } from 'typeorm';

export interface StoredDaemonCertificate {
  certPem: string;
  chainPem: string[];
}

/** The daemon certificates the CA signed for hosts, by serial (see HandshakeDockerCertificates). */
export class DaemonCertificates {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {}

  private get table(): string {
    return `"${this.schema}".docker_daemon_certificates`;
  }

  async save(hostId: string, serial: string, publicKeySha256: string, certPem: string, chainPem: string[], notAfter: string): Promise<void> {
    // Expired ones are of no use to anyone: a host's table stays small however often it renews.
    await this.db.query(`DELETE FROM ${this.table} WHERE host_id = $1 AND not_after < now()`, [hostId]);
    await this.db.query(
      `INSERT INTO ${this.table} (serial, host_id, public_key_sha256, cert_pem, chain_pem, not_after) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (serial) DO NOTHING`,
      [serial, hostId, publicKeySha256, certPem, JSON.stringify(chainPem), notAfter],
    );
  }

  async find(serial: string): Promise<StoredDaemonCertificate | undefined> {
    const rows: { cert_pem: string; chain_pem: string[] }[] = await this.db.query(`SELECT cert_pem, chain_pem FROM ${this.table} WHERE serial = $1`, [serial]);
    const row = rows[0];
    return row && { certPem: row.cert_pem, chainPem: row.chain_pem };
  }
}
