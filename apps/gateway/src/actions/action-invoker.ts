import type { Permission } from '@powernode/contracts';

/** Who is calling: resolved once per request from the bearer token. */
export interface Caller {
  accountId: string;
  name: string;
  roles: readonly string[];
  permissions: ReadonlySet<Permission>;
}

/** Per-call context the transports carry through (W3C trace context, request id). */
export interface CallContext {
  traceparent?: string;
  requestId?: string;
}

/**
 * The one entry point every transport (HTTP, gRPC, MCP) delegates to. Transports only parse,
 * call this, and map `PlatformError`s to their own status codes.
 */
export abstract class ActionInvoker {
  /** Resolves an `Authorization` header value (`Bearer <token>`); throws Unauthenticated. */
  abstract authenticate(authorization: string | undefined): Promise<Caller>;
  /** Runs a unary action: validates input, checks permission, routes to the owning service. */
  abstract invoke(action: string, input: unknown, caller: Caller, context?: CallContext): Promise<unknown>;
  /**
   * Starts a streaming action that runs until `signal` aborts. Throws synchronously on bad
   * input, authorisation or unknown action, before any item is produced.
   */
  abstract stream(action: string, input: unknown, caller: Caller, signal: AbortSignal, context?: CallContext): AsyncIterable<unknown>;
}
