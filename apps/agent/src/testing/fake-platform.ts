import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { agentProtocol } from '@powernode/contracts';
import { PlatformHttpError } from '../platform-client.js';
import type { RuntimePlatformPort } from '../platform-session.js';
import { createCaHierarchy, exportPrivateKeyPem, generateKeyPair, issueCertificate, verifyCsr, type CaHierarchy, type CryptoKey } from '@powernode/pki';

type DesiredState = agentProtocol.DesiredState;
type DesiredModule = DesiredState['modules'][number];

export interface Heartbeat {
  instanceId: string;
  desiredVersion?: string;
  facts: agentProtocol.AgentFacts;
  certSerial: string;
}

/**
 * The handshake service's agent protocol, in-process and small: the unit boundary for the agent's tests.
 * A real CA (libs/pki), a server certificate named PLATFORM_SERVER_NAME, single-use tokens, long-poll.
 */
export class FakePlatform {
  readonly enrolments: { instanceId: string; facts: agentProtocol.AgentFacts }[] = [];
  readonly heartbeats: Heartbeat[] = [];
  /** POST /runtime/handshake calls, with the client certificate they came with. */
  readonly runtimeCalls: { instanceId: string; certSerial: string; body: unknown }[] = [];
  /** Instances whose heartbeats are answered 410 InstanceDecommissioned. */
  readonly decommissioned = new Set<string>();
  refusedHeartbeats = 0;
  renewals = 0;
  private readonly tokens = new Set<string>();
  private readonly desired = new Map<string, DesiredState>();
  private readonly waiters = new Set<() => void>();
  private server: Server | undefined;
  private port = 0;
  private host = '127.0.0.1';
  /** Answers POST /runtime/handshake when set (a FakeRuntimePlatform on this platform's CA); a fixed answer otherwise. */
  runtime: RuntimePlatformPort | undefined;

  private constructor(
    readonly ca: CaHierarchy,
    private readonly serverTls: { key: string; cert: string },
    private readonly certLifetimeMs: number,
  ) {}

  static async create(options: { certLifetimeMs?: number } = {}): Promise<FakePlatform> {
    const now = Date.now();
    const ca = await createCaHierarchy({
      rootCommonName: 'Fake Platform Root',
      intermediateCommonName: 'Fake Platform Intermediate',
      notBefore: new Date(now - 3_600_000),
      rootNotAfter: new Date(now + 86_400_000),
      intermediateNotAfter: new Date(now + 86_400_000),
    });
    const keys = await generateKeyPair();
    const leaf = await issueCertificate({
      issuer: issuer(ca),
      subjectPublicKey: keys.publicKey,
      commonName: agentProtocol.PLATFORM_SERVER_NAME,
      dnsNames: [agentProtocol.PLATFORM_SERVER_NAME],
      ipAddresses: [],
      extendedKeyUsages: ['serverAuth'],
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 86_400_000),
    });
    const tls = { key: await exportPrivateKeyPem(keys.privateKey), cert: leaf.certificatePem + ca.intermediate.certificatePem };
    return new FakePlatform(ca, tls, options.certLifetimeMs ?? 86_400_000);
  }

  get url(): string {
    return `https://${this.host}:${this.port}`;
  }

  /** A fresh single-use token pinned to this platform's root (or to `fingerprint`, to forge a wrong pin). */
  issueToken(fingerprint = this.ca.root.fingerprintSha256): string {
    const token = `pnb1.${fingerprint}.${randomBytes(32).toString('base64url')}`;
    this.tokens.add(token);
    return token;
  }

  desiredOf(instanceId: string): DesiredState | undefined {
    return this.desired.get(instanceId);
  }

  /** Replaces an instance's modules and wakes its long-poll. */
  setModules(instanceId: string, modules: DesiredModule[]): DesiredState {
    const previous = this.desired.get(instanceId);
    const next = { instance_id: instanceId, version: String(Number(previous?.version ?? 0) + 1), modules };
    this.desired.set(instanceId, next);
    for (const wake of [...this.waiters]) wake();
    return next;
  }

  /** Replaces an instance's whole desired state (modules and SDWAN interfaces) and wakes its long-poll. */
  setDesired(instanceId: string, content: Pick<DesiredState, 'modules' | 'sdwan'>): DesiredState {
    const previous = this.desired.get(instanceId);
    const next = { instance_id: instanceId, version: String(Number(previous?.version ?? 0) + 1), ...content };
    this.desired.set(instanceId, next);
    for (const wake of [...this.waiters]) wake();
    return next;
  }

  /** `host`: an address other namespaces reach (a veth), for agents that run inside one. */
  async start(port = this.port, host = this.host): Promise<void> {
    this.host = host;
    const server = createServer({ ...this.serverTls, ca: [this.ca.root.certificatePem], requestCert: true, rejectUnauthorized: false }, (req, res) => {
      this.handle(req, res).catch((error: Error) => reply(res, 500, { code: 'Internal', message: error.message }));
    });
    server.on('tlsClientError', () => undefined);
    server.listen(port, host);
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops every connection, held long-polls included (the platform "goes down"). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const wake of [...this.waiters]) wake();
    server.close();
    server.closeAllConnections();
    await once(server, 'close');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === agentProtocol.AGENT_PATHS.caChain) {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(this.ca.chain.join(''));
      return;
    }
    const body = await readJson(req);
    switch (req.url) {
      case agentProtocol.AGENT_PATHS.enroll:
        return this.enroll(body, res);
      case agentProtocol.AGENT_PATHS.heartbeat:
        return this.heartbeat(req, body, res);
      case agentProtocol.AGENT_PATHS.renew:
        return this.renew(req, body, res);
      case agentProtocol.AGENT_PATHS.runtimeHandshake:
        return this.runtimeHandshake(req, body, res);
      default:
        reply(res, 404, { code: 'NotFound', message: `${req.method} ${req.url}` });
    }
  }

  private async enroll(body: unknown, res: ServerResponse): Promise<void> {
    const request = agentProtocol.enrollRequest.safeParse(body);
    if (!request.success) return reply(res, 400, { code: 'InvalidInput', message: request.error.message });
    if (!this.tokens.delete(request.data.bootstrap_token)) return reply(res, 401, { code: 'InvalidBootstrapToken', message: 'used, expired or forged' });
    const instanceId = `inst_${randomBytes(4).toString('hex')}`;
    const certificatePem = await this.issueAgentCert(request.data.csr_pem, instanceId);
    this.enrolments.push({ instanceId, facts: request.data.facts });
    if (!this.desired.has(instanceId)) this.setModules(instanceId, []);
    reply(res, 201, { instance_id: instanceId, certificate_pem: certificatePem, chain_pem: this.ca.chain, heartbeat_interval_s: 10 });
  }

  private async heartbeat(req: IncomingMessage, body: unknown, res: ServerResponse): Promise<void> {
    const peer = authenticated(req);
    if (!peer) return reply(res, 401, { code: 'Unauthenticated', message: 'client certificate required' });
    const request = agentProtocol.heartbeatRequest.safeParse(body);
    if (!request.success) return reply(res, 400, { code: 'InvalidInput', message: request.error.message });
    const { instance_id: instanceId, desired_version: version, wait_s: waitS, facts } = request.data;
    if (peer.instanceId !== instanceId) return reply(res, 403, { code: 'PermissionDenied', message: 'certificate names another instance' });
    if (this.decommissioned.has(instanceId)) {
      this.refusedHeartbeats += 1;
      return reply(res, 410, { code: 'InstanceDecommissioned', message: `instance ${instanceId} is decommissioned` });
    }
    this.heartbeats.push({ instanceId, ...(version === undefined ? {} : { desiredVersion: version }), facts, certSerial: peer.serial });
    if (this.desiredOf(instanceId)?.version === version) await this.hold(req, waitS * 1000, () => this.desiredOf(instanceId)?.version !== version);
    const desired = this.desiredOf(instanceId) as DesiredState;
    reply(res, 200, { desired, changed: desired.version !== version, heartbeat_interval_s: 10 });
  }

  private async renew(req: IncomingMessage, body: unknown, res: ServerResponse): Promise<void> {
    const peer = authenticated(req);
    if (!peer) return reply(res, 401, { code: 'Unauthenticated', message: 'client certificate required' });
    const request = agentProtocol.renewRequest.safeParse(body);
    if (!request.success) return reply(res, 400, { code: 'InvalidInput', message: request.error.message });
    this.renewals += 1;
    reply(res, 200, { certificate_pem: await this.issueAgentCert(request.data.csr_pem, peer.instanceId), chain_pem: this.ca.chain });
  }

  /** Records the call and its client certificate; answers like a platform at the start of the handshake. */
  private async runtimeHandshake(req: IncomingMessage, body: unknown, res: ServerResponse): Promise<void> {
    const peer = authenticated(req);
    if (!peer) return reply(res, 401, { code: 'Unauthenticated', message: 'client certificate required' });
    this.runtimeCalls.push({ instanceId: peer.instanceId, certSerial: peer.serial, body });
    if (this.runtime === undefined) return reply(res, 200, { host_id: 'host-00000000-0000-8000-8000-000000000001', status: 'pending', next: 'wants_cert' });
    try {
      reply(res, 200, await this.runtime.runtimeHandshake(agentProtocol.runtimeHandshakeRequest.parse(body), new AbortController().signal));
    } catch (error) {
      if (error instanceof PlatformHttpError) return reply(res, error.status, { code: error.code, message: error.message });
      throw error;
    }
  }

  /** Resolves when `done()` holds, the wait runs out, the platform stops or the client goes away. */
  private hold(req: IncomingMessage, ms: number, done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        req.socket.off('close', finish);
        resolve();
      };
      const check = (): void => {
        if (done() || !this.server) finish();
      };
      const timer = setTimeout(finish, ms);
      this.waiters.add(check);
      req.socket.on('close', finish);
    });
  }

  private async issueAgentCert(csrPem: string, instanceId: string): Promise<string> {
    const csr = await verifyCsr(csrPem);
    const now = Math.floor(Date.now() / 1000) * 1000;
    const issued = await issueCertificate({
      issuer: issuer(this.ca),
      subjectPublicKey: csr.publicKey as CryptoKey,
      commonName: instanceId,
      dnsNames: [],
      ipAddresses: [],
      extendedKeyUsages: ['clientAuth'],
      notBefore: new Date(now),
      notAfter: new Date(now + this.certLifetimeMs),
    });
    return issued.certificatePem;
  }
}

function issuer(ca: CaHierarchy): { certificatePem: string; privateKey: CryptoKey } {
  return { certificatePem: ca.intermediate.certificatePem, privateKey: ca.intermediateKeys.privateKey };
}

function authenticated(req: IncomingMessage): { instanceId: string; serial: string } | undefined {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  return { instanceId: String(cert.subject.CN), serial: cert.serialNumber };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
