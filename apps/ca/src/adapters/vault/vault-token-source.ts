import { PlatformError } from '@powernode/contracts';
import { z } from 'zod';
import type { ResolvedVaultCaConfig } from './vault-config.js';
import type { VaultHttpClient } from './vault-http-client.js';

/** Where authenticated calls get their token; `refresh` is asked once after Vault says "permission denied". */
export interface VaultTokenSource {
  token(): Promise<string>;
  /** Replaces `rejected` with a fresh token; false when this source cannot (a static token). */
  refresh(rejected: string): Promise<boolean>;
  close(): void;
}

export class StaticVaultToken implements VaultTokenSource {
  constructor(private readonly value: string) {}
  async token(): Promise<string> {
    return this.value;
  }
  async refresh(): Promise<boolean> {
    return false;
  }
  close(): void {}
}

const authResponse = z.object({
  auth: z.object({ client_token: z.string().min(1), lease_duration: z.number().nonnegative(), renewable: z.boolean() }),
});

interface Lease {
  token: string;
  obtainedAt: number;
  leaseMs: number;
  renewable: boolean;
}

/**
 * AppRole login with lazy renewal: before a call, a token past 2/3 of its lease is renewed with renew-self
 * (or replaced by a new login when it cannot be). Lazy rather than a timer: an idle adapter keeps no timer
 * and makes no calls, close() has nothing to cancel, and a token that expired anyway is caught by the
 * 403 → login-once path.
 */
export class AppRoleVaultToken implements VaultTokenSource {
  private lease?: Lease;
  private pending?: Promise<string>;

  constructor(
    private readonly http: VaultHttpClient,
    private readonly config: ResolvedVaultCaConfig,
    private readonly credentials: { roleId: string; secretId: string; mount?: string },
  ) {}

  token(): Promise<string> {
    if (this.pending !== undefined) return this.pending;
    const lease = this.lease;
    const now = this.config.now();
    // lease_duration 0: Vault issued a token without expiry, nothing to renew.
    if (lease !== undefined && (lease.leaseMs === 0 || now < lease.obtainedAt + (lease.leaseMs * 2) / 3)) {
      return Promise.resolve(lease.token);
    }
    const next =
      lease !== undefined && lease.renewable && now < lease.obtainedAt + lease.leaseMs ? this.renew(lease) : this.login();
    // One login or renewal at a time: concurrent callers share it.
    this.pending = next.finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  async refresh(rejected: string): Promise<boolean> {
    if (this.lease?.token === rejected) this.lease = undefined;
    await this.token();
    return true;
  }

  close(): void {
    this.lease = undefined;
  }

  private async login(): Promise<string> {
    const obtainedAt = this.config.now();
    const mount = this.credentials.mount ?? 'approle';
    let body: unknown;
    try {
      body = await this.http.json({
        method: 'POST',
        path: `auth/${mount}/login`,
        body: { role_id: this.credentials.roleId, secret_id: this.credentials.secretId },
      });
    } catch (error) {
      if (error instanceof PlatformError && error.code === 'CaRejected') {
        throw new PlatformError('CaRejected', `Vault AppRole login failed: ${error.message}`, error.details);
      }
      throw error;
    }
    const lease = this.toLease(body, obtainedAt, 'login');
    this.lease = lease;
    this.config.logger?.info({ leaseSeconds: lease.leaseMs / 1000 }, 'logged in to Vault with AppRole');
    return lease.token;
  }

  private async renew(current: Lease): Promise<string> {
    const obtainedAt = this.config.now();
    let body: unknown;
    try {
      body = await this.http.json({ method: 'POST', path: 'auth/token/renew-self', body: {}, token: current.token });
    } catch (error) {
      // Vault refused to renew (revoked, past max TTL): a new login is the way back.
      if (error instanceof PlatformError && error.code === 'CaRejected') return this.login();
      throw error;
    }
    const renewed = this.toLease(body, obtainedAt, 'renew-self');
    // A shorter lease than before means the token is running into its max TTL: log in instead of renewing ever more often.
    if (renewed.leaseMs < current.leaseMs) return this.login();
    this.lease = renewed;
    return renewed.token;
  }

  private toLease(body: unknown, obtainedAt: number, what: string): Lease {
    const parsed = authResponse.safeParse(body);
    if (!parsed.success) throw new PlatformError('CaUnavailable', `Vault ${what} answered without a usable auth block`);
    const { client_token, lease_duration, renewable } = parsed.data.auth;
    return { token: client_token, obtainedAt, leaseMs: lease_duration * 1000, renewable };
  }
}
