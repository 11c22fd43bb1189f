import { Agent, request, type AgentOptions } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { agentProtocol } from '@powernode/contracts';
import type { z } from 'zod';
import { dialHost } from './cli-args.js';

/** How the agent trusts the platform on one connection pool. */
export type PlatformTrust =
  /** Only for fetching the CA chain that is then pinned by the token's fingerprint: nothing secret is sent. */
  | { kind: 'unverified' }
  /** The pinned root only, and the server must be PLATFORM_SERVER_NAME; optionally with the agent's identity (mTLS). */
  | { kind: 'pinned'; rootPem: string; client?: { keyPem: string; certChainPem: string } };

/** The platform answered with an error status and its `{ code, message }` body. */
export class PlatformHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(`platform answered ${status}${code ? ` ${code}` : ''}: ${message}`);
    this.name = 'PlatformHttpError';
  }
}

/** A 2xx answer whose body does not match the protocol. */
export class InvalidResponseError extends Error {
  override name = 'InvalidResponseError';
}

/** The outer signal was aborted (shutdown), as opposed to a timeout or a network error. */
export class RequestAbortedError extends Error {
  override name = 'RequestAbortedError';
}

const MAX_BODY_BYTES = 1024 * 1024;

/** HTTPS to the handshake service over one keep-alive pool with fixed TLS trust. */
export class PlatformClient {
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: URL,
    trust: PlatformTrust,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 4, ...tlsOptions(trust) });
  }

  async getText(path: string, options: { signal: AbortSignal; timeoutMs: number }): Promise<string> {
    return (await this.send('GET', path, undefined, options)).toString('utf8');
  }

  async postJson<S extends z.ZodType>(path: string, body: unknown, schema: S, options: { signal: AbortSignal; timeoutMs: number }): Promise<z.output<S>> {
    const raw = await this.send('POST', path, JSON.stringify(body), options);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new InvalidResponseError(`${path}: response is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new InvalidResponseError(`${path}: response does not match the protocol: ${parsed.error.message}`);
    return parsed.data;
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, body: string | undefined, options: { signal: AbortSignal; timeoutMs: number }): Promise<Buffer> {
    const { signal, timeoutMs } = options;
    if (signal.aborted) return Promise.reject(new RequestAbortedError('aborted'));
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };

    return new Promise<Buffer>((resolve, reject) => {
      const req = request(
        {
          protocol: 'https:',
          hostname: dialHost(this.baseUrl),
          port: this.baseUrl.port === '' ? 443 : Number(this.baseUrl.port),
          path,
          method,
          agent: this.agent,
          signal: controller.signal,
          headers: {
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) req.destroy(new InvalidResponseError(`${path}: response larger than ${MAX_BODY_BYTES} bytes`));
            else chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const payload = Buffer.concat(chunks);
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(payload);
            else reject(errorOf(status, payload));
          });
        },
      );
      req.on('error', (error) => {
        if (signal.aborted) reject(new RequestAbortedError('aborted'));
        else if (controller.signal.aborted) reject(new Error(`${method} ${path} timed out after ${timeoutMs} ms`));
        else reject(error);
      });
      req.end(body);
    }).finally(cleanup);
  }
}

function tlsOptions(trust: PlatformTrust): AgentOptions {
  // SNI carries the service name, not the dialled address: one certificate serves every underlay address.
  if (trust.kind === 'unverified') return { rejectUnauthorized: false, servername: agentProtocol.PLATFORM_SERVER_NAME };
  return {
    ca: [trust.rootPem],
    rejectUnauthorized: true,
    servername: agentProtocol.PLATFORM_SERVER_NAME,
    checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(agentProtocol.PLATFORM_SERVER_NAME, cert),
    minVersion: 'TLSv1.3',
    ...(trust.client ? { key: trust.client.keyPem, cert: trust.client.certChainPem } : {}),
  };
}

function errorOf(status: number, payload: Buffer): PlatformHttpError {
  try {
    const body = JSON.parse(payload.toString('utf8')) as { code?: unknown; message?: unknown };
    return new PlatformHttpError(status, typeof body.code === 'string' ? body.code : undefined, typeof body.message === 'string' ? body.message : 'no message');
  } catch {
    return new PlatformHttpError(status, undefined, payload.toString('utf8').slice(0, 200) || 'empty body');
  }
}

/** Worth retrying later: the platform is down, overloaded or unreachable (not a refusal of this request). */
export function isTransient(error: unknown): boolean {
  if (error instanceof RequestAbortedError) return false;
  if (error instanceof PlatformHttpError) return error.status >= 500 || error.status === 408 || error.status === 429;
  return !(error instanceof InvalidResponseError);
}
