import type { Request, Response } from 'express';
import type { ActionInvoker, Caller } from '../actions/action-invoker.js';

/**
 * Serves a streaming action as Server-Sent Events. Errors raised before the first byte (bad input,
 * permission) propagate to the exception filter as ordinary HTTP errors.
 */
export async function serveSse(invoker: ActionInvoker, action: string, input: unknown, caller: Caller, req: Request, res: Response): Promise<void> {
  const abort = new AbortController();
  const items = invoker.stream(action, input, caller, abort.signal);
  req.on('close', () => abort.abort());
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write(': watching\n\n');
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  try {
    for await (const item of items) res.write(`event: event\ndata: ${JSON.stringify(item)}\n\n`);
  } finally {
    clearInterval(keepAlive);
    res.end();
  }
}
