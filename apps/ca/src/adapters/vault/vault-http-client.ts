import { PlatformError } from '@powernode/contracts';
import type { ResolvedVaultCaConfig } from './vault-config.js';

export interface VaultRequest {
  method: 'GET' | 'POST';
  /** Path after /v1/, e.g. `pki_int/sign/node`. */
  path: string;
  body?: unknown;
  /** Omitted for Vault's unauthenticated endpoints (ca_chain, crl), so CRL publishing works even when auth does not. */
  token?: string;
}

/** What a failed Vault call leaves in PlatformError.details, so callers can branch on status without string parsing. */
export interface VaultErrorDetails {
  status: number;
  path: string;
  vault_errors: string[];
}

/** Vault answers these when it is sealed, a standby, rate-limiting or not yet consistent: try again later. */
const isUnavailableStatus = (status: number) => status >= 500 || status === 429 || status === 412;

/** fetch with Vault's conventions: per-attempt timeout, bounded retry with backoff for unavailable-class failures only. */
export class VaultHttpClient {
  constructor(private readonly config: ResolvedVaultCaConfig) {}

  json<T>(request: VaultRequest): Promise<T> {
    return this.send(request, async (response) => (await response.json()) as T);
  }

  text(request: VaultRequest): Promise<string> {
    return this.send(request, (response) => response.text());
  }

  bytes(request: VaultRequest): Promise<Buffer> {
    return this.send(request, async (response) => Buffer.from(await response.arrayBuffer()));
  }

  private async send<T>(request: VaultRequest, read: (response: Response) => Promise<T>): Promise<T> {
    const { retries, backoffMs, logger } = this.config;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(request, read);
      } catch (error) {
        // Only unavailable-class failures are retried: a 4xx will not change by asking again.
        if (!(error instanceof PlatformError) || error.code !== 'CaUnavailable' || attempt >= retries) throw error;
        logger?.warn({ path: request.path, attempt: attempt + 1, err: error.message }, 'Vault unavailable, retrying');
        await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** attempt));
      }
    }
  }

  private async attempt<T>(request: VaultRequest, read: (response: Response) => Promise<T>): Promise<T> {
    const { address, namespace, timeoutMs } = this.config;
    const headers: Record<string, string> = {};
    if (request.token !== undefined) headers['X-Vault-Token'] = request.token;
    if (namespace !== undefined) headers['X-Vault-Namespace'] = namespace;
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    const where = `${request.method} /v1/${request.path}`;
    try {
      // The signal also bounds reading the body, so a server that stalls mid-response times out too.
      const response = await this.config.fetch(`${address}/v1/${request.path}`, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) return await read(response);
      throw await errorFromResponse(response, request.path, where);
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      const timedOut = errorName(error) === 'TimeoutError' || errorName(error) === 'AbortError';
      const cause = describe(error);
      throw new PlatformError('CaUnavailable', timedOut ? `Vault did not answer ${where} within ${timeoutMs}ms` : `Vault unreachable (${where}): ${cause}`, {
        path: request.path,
      });
    }
  }
}

async function errorFromResponse(response: Response, path: string, where: string): Promise<PlatformError> {
  const vaultErrors = parseVaultErrors(await response.text().catch(() => ''));
  const details: VaultErrorDetails = { status: response.status, path, vault_errors: vaultErrors };
  const said = vaultErrors.length > 0 ? vaultErrors.join('; ') : response.statusText || 'no error message';
  if (isUnavailableStatus(response.status)) {
    return new PlatformError('CaUnavailable', `Vault unavailable (${where} → ${response.status}): ${said}`, { ...details });
  }
  if (response.status === 403) {
    return new PlatformError('CaRejected', `Vault token rejected (${where} → 403): ${said}`, { ...details });
  }
  return new PlatformError('CaRejected', `Vault rejected ${where} (${response.status}): ${said}`, { ...details });
}

/** Vault's error body is `{ "errors": [...] }`; a proxy in front of it may answer anything. */
function parseVaultErrors(text: string): string[] {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && Array.isArray((body as { errors?: unknown }).errors)) {
      return (body as { errors: unknown[] }).errors.map(String);
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = text.trim().slice(0, 200);
  return trimmed === '' ? [] : [trimmed];
}

// fetch's errors may come from another realm (Node's own, under a VM sandbox), so no `instanceof Error` here.
function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : undefined;
}

/** undici hides the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`. */
function describe(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const message = 'message' in error ? String(error.message) : String(error);
  const cause = 'cause' in error ? error.cause : undefined;
  if (typeof cause !== 'object' || cause === null) return message;
  const code = 'code' in cause ? `${String(cause.code)} ` : '';
  return `${message}: ${code}${'message' in cause ? String(cause.message) : ''}`.trim();
}

/** The HTTP status of a failed Vault call, if the error came from one. */
export function vaultStatusOf(error: unknown): number | undefined {
  if (!(error instanceof PlatformError)) return undefined;
  const status = error.details?.['status'];
  return typeof status === 'number' ? status : undefined;
}

/** Vault's error messages of a failed call ([] when none). */
export function vaultErrorsOf(error: unknown): string[] {
  if (!(error instanceof PlatformError)) return [];
  const errors = error.details?.['vault_errors'];
  return Array.isArray(errors) ? errors.map(String) : [];
}
