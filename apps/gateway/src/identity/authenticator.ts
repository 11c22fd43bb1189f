import { PlatformError, permissionsOf } from '@powernode/contracts';
import { projectionTable } from '@powernode/eventstore';
import { withAdvisoryLock } from '@powernode/service-kit';
import type { DataSource } from 'typeorm';
import type { Caller } from '../actions/action-invoker.js';
import { operatorAccountsProjection } from './projections/operator-accounts.projection.js';
import { operatorTokensProjection } from './projections/operator-tokens.projection.js';
import { sha256Hex } from './tokens.js';

/** Resolves bearer tokens to callers through the token and account projections. */
export class TokenAuthenticator {
  private readonly tokens: string;
  private readonly accounts: string;

  constructor(private readonly db: DataSource, schema: string) {
    this.tokens = `"${schema}"."${projectionTable(operatorTokensProjection)}"`;
    this.accounts = `"${schema}"."${projectionTable(operatorAccountsProjection)}"`;
  }

  /** Lets token lookups use an index instead of scanning documents. */
  async ensureIndexes(): Promise<void> {
    // Replicas booting together would race CREATE INDEX IF NOT EXISTS (PostgreSQL then fails on pg_class).
    await withAdvisoryLock(this.db, `powernode.index.${this.tokens}`, () =>
      this.db.query(`CREATE INDEX IF NOT EXISTS operator_tokens_sha256 ON ${this.tokens} ((doc->>'token_sha256'))`),
    );
  }

  async authenticate(authorization: string | undefined): Promise<Caller> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) throw new PlatformError('Unauthenticated', 'missing bearer token (Authorization: Bearer <token>)');
    const rows: { doc: { account_id: string; name: string; roles: string[] } }[] = await this.db.query(
      `SELECT a.doc FROM ${this.tokens} t JOIN ${this.accounts} a ON a.key = t.doc->>'account_id'
        WHERE t.doc->>'token_sha256' = $1 AND NOT (t.doc->>'revoked')::boolean`,
      [sha256Hex(match[1]!)],
    );
    const account = rows[0]?.doc;
    if (!account) throw new PlatformError('Unauthenticated', 'unknown or revoked token');
    return { accountId: account.account_id, name: account.name, roles: account.roles, permissions: permissionsOf(account.roles) };
  }

  async findAccount(accountId: string): Promise<{ account_id: string; name: string; roles: string[] } | undefined> {
    const rows: { doc: { account_id: string; name: string; roles: string[] } }[] = await this.db.query(
      `SELECT doc FROM ${this.accounts} WHERE key = $1`,
      [accountId],
    );
    return rows[0]?.doc;
  }
}
