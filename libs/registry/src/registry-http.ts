import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** How to trust the registry: the platform CA (PEM, root last or alone); absent means the system store. */
export interface RegistryTls {
  caPem?: string;
}

export interface RegistryResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RegistryRequest {
  method: string;
  headers?: Record<string, string>;
  body?: Buffer;
  timeoutMs?: number;
  /** Only for probing a registry we just started ourselves: skip certificate verification. */
  insecure?: boolean;
}

/** One HTTP(S) exchange with a registry; node:https rather than fetch so the platform CA can be passed per call. */
export function registryRequest(url: URL, tls: RegistryTls, options: RegistryRequest): Promise<RegistryResponse> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { ...options.headers, ...(options.body ? { 'content-length': String(options.body.length) } : {}) };
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: options.method,
        headers,
        timeout: options.timeoutMs ?? 30_000,
        ...(url.protocol === 'https:' ? { ca: tls.caPem, rejectUnauthorized: options.insecure !== true } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${options.method} ${url.href} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export function header(response: RegistryResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
