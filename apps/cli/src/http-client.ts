import { CliError, fromPlatformBody } from './errors.js';
import { parseSse } from './sse.js';
import type { EventSummary } from './types.js';

/** The gateway's HTTP API: `POST <url>/api/v1/actions/<name>` with a bearer token, and the SSE event watch. */
export class PlatformClient {
  constructor(
    readonly url: string,
    private readonly token: string | undefined,
  ) {}

  /** Calls an action; a platform error becomes a CliError carrying its code. */
  async call<T>(action: string, input: object = {}): Promise<T> {
    const res = await this.request(`/api/v1/actions/${action}`, { method: 'POST', body: JSON.stringify(input) });
    const raw = await res.text();
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      body = undefined;
    }
    if (!res.ok) throw fromPlatformBody(res.status, body, raw);
    if (body === undefined) throw new CliError('BadResponse', `${action}: the gateway answered ${res.status} with something that is not JSON`);
    return body as T;
  }

  /**
   * Opens the event watch (`GET /api/v1/events/watch`). Resolves once the gateway has accepted it (so a caller can
   * start the operation it wants to watch), then yields events until `signal` aborts or the gateway ends the stream.
   */
  async watch(kindPrefix: string | undefined, signal: AbortSignal): Promise<AsyncIterable<EventSummary>> {
    const query = kindPrefix ? `?kind_prefix=${encodeURIComponent(kindPrefix)}` : '';
    const res = await this.request(`/api/v1/events/watch${query}`, { method: 'GET', signal, headers: { accept: 'text/event-stream' } });
    if (!res.ok) {
      const raw = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      throw fromPlatformBody(res.status, body, raw);
    }
    if (!res.body) throw new CliError('BadResponse', 'the event watch answered without a body');
    const body = res.body as unknown as AsyncIterable<Uint8Array>;
    return (async function* () {
      try {
        for await (const message of parseSse(body)) if (message.event === 'event') yield JSON.parse(message.data) as EventSummary;
      } catch (error) {
        if (!signal.aborted) throw error;
      }
    })();
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    try {
      return await fetch(`${this.url}${path}`, { ...init, headers });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError('Unreachable', `cannot reach the gateway at ${this.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  }
}
