import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { EKU, FakeVaultPki } from './fake-vault-pki.js';

export interface RecordedRequest {
  method: string;
  /** Path after /v1/, e.g. `pki_int/sign/node`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON object body (the raw text under `_raw` when it was not JSON), or undefined. */
  body: JsonObject | undefined;
}

type JsonObject = Record<string, unknown>;

export interface FakeVaultOptions {
  mount?: string;
  /** Role name → the EKUs the role puts in certificates (Vault's server_flag/client_flag). Default `node`: both. */
  roles?: Record<string, { extendedKeyUsages: string[] }>;
  /** A static token that never expires. */
  rootToken?: string;
  appRole?: { mount?: string; roleId: string; secretId: string };
  /** Lease of AppRole tokens; login reports it in seconds, rounded up, as Vault does. */
  tokenTtlMs?: number;
  intermediateDays?: number;
}

interface ForcedFailure {
  status: number;
  errors: string[];
  remaining: number;
  path?: RegExp;
}

/**
 * A Vault-shaped HTTP server for tests: the PKI, AppRole and token endpoints the VaultCaAdapter uses, with Vault's
 * request and response shapes (`{data:…}`, `{auth:…}`, `{errors:[…]}`), real certificates and CRLs, and switches
 * to make it fail, stall, or misbehave like a misconfigured role.
 */
export class FakeVaultServer {
  readonly requests: RecordedRequest[] = [];
  /** Delay before answering (to provoke client timeouts). */
  delayMs = 0;
  /** A misconfigured role: every issued certificate also gets this DNS SAN. */
  extraDnsSan: string | undefined;
  /** Answer sign without `ca_chain`, as older Vaults do. */
  omitCaChain = false;
  tokenTtlMs: number;
  private readonly failures: ForcedFailure[] = [];
  private readonly tokens = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly mount: string;
  private readonly roles: Record<string, { extendedKeyUsages: string[] }>;

  private constructor(
    private readonly server: Server,
    readonly pki: FakeVaultPki,
    private readonly options: FakeVaultOptions,
  ) {
    this.mount = options.mount ?? 'pki_int';
    this.roles = options.roles ?? { node: { extendedKeyUsages: [EKU.serverAuth, EKU.clientAuth] } };
    this.tokenTtlMs = options.tokenTtlMs ?? 60_000;
  }

  static async start(options: FakeVaultOptions = {}): Promise<FakeVaultServer> {
    const pki = await FakeVaultPki.create({ intermediateDays: options.intermediateDays });
    const server = createServer();
    const fake = new FakeVaultServer(server, pki, options);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get address(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Answer the next `times` requests (to paths matching `path`, if given) with this status and Vault error body. */
  fail(status: number, errors: string[], { times = 1, path }: { times?: number; path?: RegExp } = {}): void {
    this.failures.push({ status, errors, remaining: times, path });
  }

  /** Every token handed out so far stops working, as when Vault revokes or expires them. */
  expireTokens(): void {
    this.tokens.clear();
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Back to a well-behaved server with an empty request log (issued certificates and revocations stay). */
  reset(): void {
    this.requests.length = 0;
    this.failures.length = 0;
    this.delayMs = 0;
    this.extraDnsSan = undefined;
    this.omitCaChain = false;
    this.tokenTtlMs = this.options.tokenTtlMs ?? 60_000;
    this.tokens.clear();
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').split('?')[0]!.replace(/^\/v1\//, '');
    let body: JsonObject | undefined;
    try {
      body = raw === '' ? undefined : (JSON.parse(raw) as JsonObject);
    } catch {
      body = { _raw: raw };
    }
    this.requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    if (this.delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, this.delayMs);
        this.timers.add(timer);
      });
      if (res.destroyed) return;
    }
    try {
      await this.route(req.method ?? 'GET', path, body, req.headers, res);
    } catch (error) {
      sendJson(res, 500, { errors: [`internal error: ${(error as Error).message}`] });
    }
  }

  private async route(method: string, path: string, body: JsonObject | undefined, headers: IncomingHttpHeaders, res: ServerResponse): Promise<void> {
    const forced = this.failures.find((failure) => failure.remaining > 0 && (failure.path === undefined || failure.path.test(path)));
    if (forced !== undefined) {
      forced.remaining -= 1;
      return sendJson(res, forced.status, { errors: forced.errors });
    }
    const appRoleMount = this.options.appRole?.mount ?? 'approle';
    const mount = this.mount;
    const token = typeof headers['x-vault-token'] === 'string' ? headers['x-vault-token'] : undefined;

    if (method === 'POST' && path === `auth/${appRoleMount}/login`) return this.login(body, res);
    if (method === 'GET' && path === `${mount}/ca_chain`) {
      return sendText(res, 200, 'application/pem-certificate-chain', `${this.pki.intermediatePem}\n${this.pki.rootPem}\n`);
    }
    if (method === 'GET' && path === `${mount}/crl/pem`) {
      // Vault labels it "X509 CRL" (Go's pem encoding); @peculiar/x509 writes "CRL".
      const pem = (await this.pki.crl()).toString('pem').replace(/(BEGIN|END) CRL/g, '$1 X509 CRL');
      return sendText(res, 200, 'application/x-pem-file', pem);
    }
    if (method === 'GET' && path === `${mount}/crl`) {
      res.writeHead(200, { 'content-type': 'application/pkix-crl' });
      return void res.end(Buffer.from((await this.pki.crl()).rawData));
    }

    // Everything below needs a live token.
    if (!this.isLive(token)) return sendJson(res, 403, { errors: ['permission denied'] });

    if (method === 'POST' && path === 'auth/token/renew-self') return this.renew(token!, res);
    if (method === 'POST' && path === 'sys/capabilities-self') {
      const paths = Array.isArray(body?.['paths']) ? (body['paths'] as unknown[]).map(String) : [];
      const perPath = Object.fromEntries(paths.map((p) => [p, this.isSignPath(p) ? ['update'] : ['deny']]));
      const all = [...new Set(Object.values(perPath).flat())].sort();
      return sendJson(res, 200, { ...perPath, capabilities: all, data: { ...perPath, capabilities: all } });
    }
    const role = /^(.+)\/roles\/([^/]+)$/.exec(path);
    if (method === 'GET' && role?.[1] === mount) {
      const config = this.roles[role[2]!];
      if (config === undefined) return sendJson(res, 404, { errors: [] });
      return sendJson(res, 200, { data: { ext_key_usage: config.extendedKeyUsages, use_csr_sans: false, use_csr_common_name: false } });
    }
    const sign = /^(.+)\/sign\/([^/]+)$/.exec(path);
    if (method === 'POST' && sign?.[1] === mount) return this.sign(sign[2]!, body, res);
    if (method === 'POST' && path === `${mount}/revoke`) return this.revoke(body, res);
    return sendJson(res, 404, { errors: [] });
  }

  private login(body: JsonObject | undefined, res: ServerResponse): void {
    const expected = this.options.appRole;
    if (expected === undefined || body?.['role_id'] !== expected.roleId || body['secret_id'] !== expected.secretId) {
      return sendJson(res, 400, { errors: ['invalid role or secret ID'] });
    }
    const token = `hvs.${randomUUID()}`;
    this.tokens.set(token, Date.now() + this.tokenTtlMs);
    sendJson(res, 200, { auth: this.authBlock(token) });
  }

  private renew(token: string, res: ServerResponse): void {
    if (token === this.options.rootToken) return sendJson(res, 400, { errors: ['lease is not renewable'] });
    this.tokens.set(token, Date.now() + this.tokenTtlMs);
    sendJson(res, 200, { auth: this.authBlock(token) });
  }

  private authBlock(token: string) {
    return {
      client_token: token,
      accessor: randomUUID(),
      policies: ['default', 'pki-sign'],
      lease_duration: Math.ceil(this.tokenTtlMs / 1000),
      renewable: true,
    };
  }

  private isLive(token: string | undefined): boolean {
    if (token === undefined) return false;
    if (token === this.options.rootToken) return true;
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && Date.now() < expiresAt;
  }

  private isSignPath(path: string): boolean {
    const match = /^(.+)\/sign\/([^/]+)$/.exec(path);
    return match?.[1] === this.mount && this.roles[match[2]!] !== undefined;
  }

  private async sign(roleName: string, body: JsonObject | undefined, res: ServerResponse): Promise<void> {
    const role = this.roles[roleName];
    if (role === undefined) return sendJson(res, 400, { errors: [`unknown role: ${roleName}`] });
    const csr = body?.['csr'];
    const commonName = body?.['common_name'];
    if (typeof csr !== 'string' || typeof commonName !== 'string') return sendJson(res, 400, { errors: ['missing csr or common_name'] });
    const ttlMs = parseTtl(body?.['ttl']);
    if (ttlMs === undefined) return sendJson(res, 400, { errors: [`invalid ttl: ${String(body?.['ttl'])}`] });
    const list = (value: unknown) => (typeof value === 'string' && value !== '' ? value.split(',').map((item) => item.trim()) : []);
    const dnsSans = list(body?.['alt_names']);
    if (body?.['exclude_cn_from_sans'] !== true) dnsSans.unshift(commonName);
    if (this.extraDnsSan !== undefined) dnsSans.push(this.extraDnsSan);
    let issued;
    try {
      issued = await this.pki.issue({
        csrPem: csr,
        commonName,
        dnsSans,
        ipSans: list(body?.['ip_sans']),
        ttlMs,
        extendedKeyUsages: role.extendedKeyUsages,
      });
    } catch (error) {
      return sendJson(res, 400, { errors: [`error parsing csr: ${(error as Error).message}`] });
    }
    const data: Record<string, unknown> = {
      certificate: issued.pem,
      issuing_ca: this.pki.intermediatePem,
      serial_number: issued.serial,
      expiration: Math.floor(issued.notAfter.getTime() / 1000),
    };
    if (!this.omitCaChain) data['ca_chain'] = [this.pki.intermediatePem, this.pki.rootPem];
    sendJson(res, 200, { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null });
  }

  private revoke(body: JsonObject | undefined, res: ServerResponse): void {
    const given = typeof body?.['serial_number'] === 'string' ? body['serial_number'] : '';
    const serialHex = given.replace(/[:-]/g, '').toLowerCase();
    const result = this.pki.revoke(serialHex);
    if (result.status === 'unknown') return sendJson(res, 400, { errors: [`certificate with serial ${given} not found.`] });
    const seconds = Math.floor(result.revokedAt!.getTime() / 1000);
    sendJson(res, 200, { data: { revocation_time: seconds, revocation_time_rfc3339: result.revokedAt!.toISOString(), state: 'revoked' } });
  }
}

/** Vault durations: plain seconds, or a number with s/m/h suffix. */
function parseTtl(ttl: unknown): number | undefined {
  if (typeof ttl === 'number') return ttl * 1000;
  const match = typeof ttl === 'string' ? /^(\d+)(s|m|h)?$/.exec(ttl) : null;
  if (match === null) return undefined;
  const unit = { s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(text);
}
