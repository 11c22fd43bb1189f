import type { Request } from 'express';
import type { CallContext } from '../actions/action-invoker.js';

/** Trace context and request id from HTTP headers. */
export function callContextOf(req: Request): CallContext {
  const traceparent = req.header('traceparent');
  const requestId = req.header('x-request-id');
  return { ...(traceparent ? { traceparent } : {}), ...(requestId ? { requestId } : {}) };
}
