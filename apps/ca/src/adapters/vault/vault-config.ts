import type { Logger } from '@powernode/service-kit';

/** A static token, or AppRole credentials the adapter logs in with (and logs in with again when Vault rejects the token). */
export type VaultAuth = { token: string } | { roleId: string; secretId: string; mount?: string };

export interface VaultCaConfig {
  /** e.g. http://127.0.0.1:8200 (no /v1). */
  address: string;
  /** PKI secrets engine mount of the issuing intermediate. Default `pki_int`. */
  mount?: string;
  /** PKI role every certificate is signed under. Default `node`. */
  role?: string;
  /**
   * Optional per-profile role (SignRequest.profile → Vault role). The adapter insists the issued EKUs equal the
   * requested ones, so a deployment that signs both serverAuth-only and clientAuth-only profiles needs one role each.
   */
  profileRoles?: Record<string, string>;
  auth: VaultAuth;
  /** Vault Enterprise namespace, sent as X-Vault-Namespace. */
  namespace?: string;
  /** Per-attempt timeout. Default 5000. */
  timeoutMs?: number;
  /** Extra attempts after the first for unavailable-class failures. Default 2. */
  retries?: number;
  /** First retry delay, doubled per retry. Default 100. */
  backoffMs?: number;
  fetch?: typeof fetch;
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** Clock for token-lease bookkeeping; injectable so tests can pass 2/3 of a lease without waiting. */
  now?: () => number;
}

/** VaultCaConfig with every default applied. */
export interface ResolvedVaultCaConfig extends Required<Omit<VaultCaConfig, 'namespace' | 'logger' | 'profileRoles'>> {
  namespace?: string;
  logger?: Pick<Logger, 'warn' | 'info'>;
  profileRoles: Record<string, string>;
}

export function resolveVaultCaConfig(config: VaultCaConfig): ResolvedVaultCaConfig {
  return {
    address: config.address.replace(/\/+$/, ''),
    mount: (config.mount ?? 'pki_int').replace(/^\/+|\/+$/g, ''),
    role: config.role ?? 'node',
    profileRoles: config.profileRoles ?? {},
    auth: config.auth,
    namespace: config.namespace,
    timeoutMs: config.timeoutMs ?? 5000,
    retries: config.retries ?? 2,
    backoffMs: config.backoffMs ?? 100,
    fetch: config.fetch ?? globalThis.fetch,
    logger: config.logger,
    now: config.now ?? Date.now,
  };
}
