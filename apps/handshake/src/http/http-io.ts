import type { IncomingMessage, ServerResponse } from 'node:http';
import { PlatformError, httpStatusOf } from '@powernode/contracts';
import { toErrorBody, type Logger } from '@powernode/service-kit';

export const MAX_BODY_BYTES = 64 * 1024;

/** The request body as JSON; over 64 KiB → PayloadTooLarge, not JSON → InvalidInput. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new PlatformError('PayloadTooLarge', `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new PlatformError('InvalidInput', 'request body is not JSON', { issues: [{ field: '(root)', message: 'not JSON' }] });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Maps an error once for this transport; unknown errors are logged with the errorId the body carries. */
export function sendError(res: ServerResponse, error: unknown, logger: Logger): void {
  const body = toErrorBody(error);
  if (!(error instanceof PlatformError)) logger.error({ err: error, errorId: body.details?.errorId }, 'agent request failed');
  // A body too large is refused without reading the rest: close instead of draining it.
  if (body.code === 'PayloadTooLarge') res.setHeader('connection', 'close');
  sendJson(res, httpStatusOf(body.code), body);
}
