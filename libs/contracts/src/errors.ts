/** Stable error codes that cross every process and transport boundary. */
export const ERROR_CODES = {
  InvalidInput: { http: 400, grpc: 3 /* INVALID_ARGUMENT */ },
  Unauthenticated: { http: 401, grpc: 16 /* UNAUTHENTICATED */ },
  InvalidBootstrapToken: { http: 401, grpc: 16 /* UNAUTHENTICATED */ },
  PermissionDenied: { http: 403, grpc: 7 /* PERMISSION_DENIED */ },
  /** The input asks for something the caller's permissions do not cover (e.g. a container with the host's powers). */
  Forbidden: { http: 403, grpc: 7 /* PERMISSION_DENIED */ },
  NotFound: { http: 404, grpc: 5 /* NOT_FOUND */ },
  Conflict: { http: 409, grpc: 10 /* ABORTED */ },
  /** The instance was decommissioned: its agent must stop (and may be re-provisioned). */
  InstanceDecommissioned: { http: 410, grpc: 9 /* FAILED_PRECONDITION */ },
  IllegalState: { http: 409, grpc: 9 /* FAILED_PRECONDITION */ },
  MissingSdwanPeerError: { http: 409, grpc: 9 /* FAILED_PRECONDITION */ },
  ModuleNotLive: { http: 409, grpc: 9 /* FAILED_PRECONDITION */ },
  PayloadTooLarge: { http: 413, grpc: 8 /* RESOURCE_EXHAUSTED */ },
  InvalidCsr: { http: 400, grpc: 3 /* INVALID_ARGUMENT */ },
  UnsupportedKey: { http: 400, grpc: 3 /* INVALID_ARGUMENT */ },
  CaRejected: { http: 422, grpc: 9 /* FAILED_PRECONDITION */ },
  /** A runtime or handshake phase the platform does not know. */
  UnsupportedRuntime: { http: 422, grpc: 3 /* INVALID_ARGUMENT */ },
  /** The daemon the agent called ready does not answer the platform (TLS /_ping over the overlay). */
  DaemonUnreachable: { http: 409, grpc: 9 /* FAILED_PRECONDITION */ },
  CaUnavailable: { http: 503, grpc: 14 /* UNAVAILABLE */ },
  /** A managed daemon did not answer in time (details.host_id names it). */
  Unavailable: { http: 503, grpc: 14 /* UNAVAILABLE */ },
  ServiceUnavailable: { http: 503, grpc: 14 /* UNAVAILABLE */ },
  Timeout: { http: 504, grpc: 4 /* DEADLINE_EXCEEDED */ },
  Internal: { http: 500, grpc: 13 /* INTERNAL */ },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** A typed platform error: what every layer throws and every transport maps once. */
export class PlatformError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = code;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromBody(body: ErrorBody): PlatformError {
    return new PlatformError(isErrorCode(body.code) ? body.code : 'Internal', body.message, body.details);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].http;
}

export function grpcStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].grpc;
}
