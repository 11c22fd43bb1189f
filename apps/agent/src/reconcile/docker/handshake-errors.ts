import { InvalidResponseError, PlatformHttpError, RequestAbortedError } from '../../platform-client.js';

/** The platform says the instance is gone (410): tear down, do not retry. */
export class InstanceDecommissionedError extends Error {
  override name = 'InstanceDecommissionedError';
}

/** The platform refused a phase for good (422 UnsupportedRuntime, 400): retrying the same call cannot help. */
export class HandshakeRefusedError extends Error {
  constructor(
    readonly phase: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'HandshakeRefusedError';
  }
}

/**
 * The platform's host is at another step than the agent thought (409 IllegalState on wants_config or ready:
 * after a reported failure, or the overlay moved): the agent starts its walk over at wants_cert.
 */
export class HandshakeOutOfStepError extends Error {
  override name = 'HandshakeOutOfStepError';
}

/** A step failed on this machine (install, a file write, dockerd's start): reported to the platform as `failed`. */
export class DockerFlowError extends Error {
  constructor(
    readonly phase: string,
    message: string,
    /** dockerd's last log lines, when the step was its start. */
    readonly logTail?: string[],
  ) {
    super(message);
    this.name = 'DockerFlowError';
  }
}

export type HandshakeErrorKind = 'abort' | 'decommissioned' | 'refused' | 'retry';

/**
 * 503 CaUnavailable, 409 (DaemonUnreachable, IllegalState while the platform catches up), 403 (the assignment
 * has not reached the platform's docker side yet), timeouts and network errors may heal: retry with backoff.
 * 410 ends the instance; other 4xx answers refuse the request itself.
 */
export function classifyHandshakeError(error: unknown): HandshakeErrorKind {
  if (error instanceof RequestAbortedError) return 'abort';
  if (error instanceof PlatformHttpError) {
    if (error.status === 410 || error.code === 'InstanceDecommissioned') return 'decommissioned';
    if (error.status >= 500 || [403, 404, 408, 409, 429].includes(error.status)) return 'retry';
    return 'refused';
  }
  if (error instanceof InvalidResponseError) return 'retry'; // a platform mid-upgrade; it will answer properly again
  return 'retry';
}

/** The platform's error code (`CaUnavailable`), when it sent one. */
export function handshakeErrorCode(error: unknown): string | undefined {
  return error instanceof PlatformHttpError ? (error.code ?? `HTTP ${error.status}`) : undefined;
}
