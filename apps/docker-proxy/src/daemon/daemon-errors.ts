import { PlatformError } from '@powernode/contracts';

/** Network-level failures: the daemon is not there (or not the one we trust), not a refusal by it. */
const UNREACHABLE_CODES = new Set([
  'DEADLINE_EXCEEDED',
  'ABORT_ERR',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EPIPE',
  'ENOENT', // a unix socket that is gone
  'EAI_AGAIN',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface DaemonFailure {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: unknown;
}

/** What the daemon itself said (`{"message": ...}`), else the client's message. */
export function daemonMessage(error: unknown): string {
  const failure = (error ?? {}) as DaemonFailure;
  const json = failure.json as { message?: unknown } | string | null | undefined;
  if (json && typeof json === 'object' && typeof json.message === 'string' && json.message) return json.message.trim();
  if (typeof json === 'string' && json.trim()) return json.trim();
  if (Buffer.isBuffer(json) && json.length > 0) return json.toString('utf8').trim();
  return (failure.message ?? String(error)).trim();
}

function isUnreachable(code: string | undefined): boolean {
  return code !== undefined && (UNREACHABLE_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'));
}

/**
 * A dockerode failure on host `hostId` while doing `what` → PlatformError, keeping the daemon's words:
 * 404 NotFound, 409 Conflict, 400 InvalidInput, no answer (timeouts, refused/reset connections, TLS) Unavailable
 * with details.host_id, anything else Internal. 304 (already started/stopped) is for callers to treat as success.
 */
export function daemonError(error: unknown, hostId: string, what: string): PlatformError {
  if (error instanceof PlatformError) return error;
  const failure = (error ?? {}) as DaemonFailure;
  const message = daemonMessage(error);
  const details = { host_id: hostId, operation: what };
  switch (failure.statusCode) {
    case 404:
      return new PlatformError('NotFound', message, details);
    case 409:
      return new PlatformError('Conflict', message, details);
    case 400:
      return new PlatformError('InvalidInput', message, details);
  }
  // dockerd answers 500 when a host port is taken; for the operator that is a conflict like a taken name.
  if (failure.statusCode === 500 && /port is already allocated|address already in use/i.test(message)) return new PlatformError('Conflict', message, details);
  if (failure.statusCode === undefined && (isUnreachable(failure.code) || /timeout|socket hang up/i.test(message))) {
    return new PlatformError('Unavailable', `dockerd on ${hostId} did not answer ${what}: ${message}`, details);
  }
  return new PlatformError('Internal', `dockerd on ${hostId} failed ${what}: ${message}`, { ...details, ...(failure.statusCode ? { status: failure.statusCode } : {}) });
}
