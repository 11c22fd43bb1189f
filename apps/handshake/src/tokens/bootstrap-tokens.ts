import type { DataSource } from 'typeorm';
import { PlatformError } from '@powernode/contracts';
import { returnedRows } from '../sql-rows.js';
import { newBootstrapToken, tokenSha256 } from './bootstrap-token.js';

/** Bootstrap tokens in PostgreSQL, stored hashed; single use, expiring. */
export class BootstrapTokens {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
    private readonly ttlSeconds: number,
  ) {}

  private get table(): string {
    return `"${this.schema}".bootstrap_tokens`;
  }

  /** A fresh token for the instance; its older unused tokens stop working (a reinstalled machine gets a new one). */
  async issue(instanceId: string, rootSha256: string): Promise<{ token: string; expires_at: string }> {
    const token = newBootstrapToken(rootSha256);
    const rows: { expires_at: Date }[] = await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM ${this.table} WHERE instance_id = $1 AND used_at IS NULL`, [instanceId]);
      return tx.query(
        `INSERT INTO ${this.table} (token_sha256, instance_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING expires_at`,
        [tokenSha256(token), instanceId, this.ttlSeconds],
      );
    });
    return { token, expires_at: rows[0]!.expires_at.toISOString() };
  }

  /**
   * Uses the token up atomically for the key `keySha256` and names its instance. The same key may redeem it again
   * until it expires (an agent retrying after its answer was lost: the CSR proves it holds that key); another key,
   * an expired or an unknown token → InvalidBootstrapToken. `firstUse`: this call redeemed it (only then may a failed
   * enrolment give it back).
   */
  async consume(token: string, keySha256: string): Promise<{ instanceId: string; firstUse: boolean }> {
    const rows = returnedRows<{ instance_id: string; first_use: boolean }>(
      await this.db.query(
        `UPDATE ${this.table} SET used_at = coalesce(used_at, now()), used_by_key = coalesce(used_by_key, $2)
          WHERE token_sha256 = $1 AND expires_at > now() AND (used_at IS NULL OR used_by_key = $2)
          RETURNING instance_id, used_at = now() AS first_use`,
        [tokenSha256(token), keySha256],
      ),
    );
    if (!rows[0]) throw invalidToken();
    return { instanceId: rows[0].instance_id, firstUse: rows[0].first_use };
  }

  /** Gives a consumed token back when enrolment failed before anything was recorded (e.g. the CA was down). */
  async release(token: string): Promise<void> {
    await this.db.query(`UPDATE ${this.table} SET used_at = NULL, used_by_key = NULL WHERE token_sha256 = $1`, [tokenSha256(token)]);
  }
}

export function invalidToken(): PlatformError {
  return new PlatformError('InvalidBootstrapToken', 'bootstrap token is invalid, used or expired');
}
