import { createHash } from 'node:crypto';
import { agentProtocol } from '@powernode/contracts';
import { createCaHierarchy, exportPrivateKeyPem, generateKeyPair, issueCertificate, verifyCsr, type CaHierarchy } from '@powernode/pki';
import type { AgentIdentity } from '../identity.js';
import { PlatformHttpError } from '../platform-client.js';
import type { RuntimePlatformPort } from '../platform-session.js';

type Request = agentProtocol.RuntimeHandshakeRequest;
type Answer = agentProtocol.RuntimeHandshakeResponse;

const HOUR = 3_600_000;

/**
 * The platform's side of the runtime handshake, in-process: a real CA (libs/pki) signs the daemon's CSR for
 * the overlay address, wants_config answers the configuration the platform would (TLS on the overlay only,
 * live-restore), and the agent identity it hands out chains to the same root. Phases can be failed (503
 * CaUnavailable, 409 DaemonUnreachable) or held to test the reconciler's retries and its non-blocking facts.
 */
export class FakeRuntimePlatform implements RuntimePlatformPort {
  readonly calls: Request[] = [];
  /** Operator overrides merged into the daemon configuration (e.g. a key dockerd does not know). */
  configOverrides: Record<string, unknown> = {};
  /** Lifetime of the next daemon certificates, and how far into it they start. */
  certWindow = { lifetimeMs: 24 * HOUR, agoMs: 60_000 };
  /** The CA's clock (tests that move the agent's clock move this one with it). */
  clock: () => Date = () => new Date();
  readonly hostId = 'host-00000000-0000-8000-8000-000000000001';
  private readonly queued = new Map<string, Error[]>();
  private readonly held = new Map<string, Promise<void>>();

  private constructor(
    readonly ca: CaHierarchy,
    private readonly agent: AgentIdentity,
    readonly overlay: string,
  ) {}

  static async create(overlay: string): Promise<FakeRuntimePlatform> {
    const now = Date.now();
    const ca = await createCaHierarchy({
      rootCommonName: 'Fake Runtime Root',
      intermediateCommonName: 'Fake Runtime Intermediate',
      notBefore: new Date(now - HOUR),
      rootNotAfter: new Date(now + 48 * HOUR),
      intermediateNotAfter: new Date(now + 48 * HOUR),
    });
    return FakeRuntimePlatform.onCa(ca, overlay);
  }

  /** The runtime side of a FakePlatform: signs with that platform's CA, so agents enrolled there trust the daemon. */
  static async onCa(ca: CaHierarchy, overlay: string): Promise<FakeRuntimePlatform> {
    const keys = await generateKeyPair();
    const now = Date.now();
    const leaf = await issueCertificate({
      issuer: { certificatePem: ca.intermediate.certificatePem, privateKey: ca.intermediateKeys.privateKey },
      subjectPublicKey: keys.publicKey,
      commonName: 'inst-fake',
      dnsNames: [],
      ipAddresses: [],
      extendedKeyUsages: ['clientAuth'],
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 24 * HOUR),
    });
    return new FakeRuntimePlatform(ca, { instanceId: 'inst-fake', keyPem: await exportPrivateKeyPem(keys.privateKey), certPem: leaf.certificatePem, chainPem: ca.chain }, overlay);
  }

  identity(): AgentIdentity {
    return this.agent;
  }

  get rootPem(): string {
    return this.ca.root.certificatePem;
  }

  phases(): string[] {
    return this.calls.map((call) => call.phase);
  }

  /** The next calls of `phase` fail with these errors, in order. */
  failNext(phase: string, ...errors: Error[]): void {
    this.queued.set(phase, [...(this.queued.get(phase) ?? []), ...errors]);
  }

  /** Calls of `phase` wait until the returned function is called. */
  hold(phase: string): () => void {
    let release!: () => void;
    this.held.set(phase, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.held.delete(phase);
      release();
    };
  }

  async runtimeHandshake(body: Request, signal: AbortSignal): Promise<Answer> {
    this.calls.push(body);
    const held = this.held.get(body.phase);
    if (held) await Promise.race([held, new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))]);
    if (signal.aborted) throw new Error('aborted');
    const error = this.queued.get(body.phase)?.shift();
    if (error) throw error;
    const base = { host_id: this.hostId, api_endpoint: `tcp://[${this.overlay}]:2376` };
    switch (body.phase) {
      case 'installing':
      case 'waiting_overlay':
        return { ...base, status: 'pending', next: 'wants_cert' };
      case 'wants_cert':
        return { ...base, status: 'pending', next: 'wants_config', certificate: await this.sign(body.csr_pem ?? '') };
      case 'wants_config': {
        const config = this.daemonConfig(body.tls_dir ?? '/missing');
        return { ...base, status: 'pending', next: 'ready', daemon_config: { config, hash: createHash('sha256').update(JSON.stringify(config)).digest('hex') } };
      }
      case 'ready':
        return { ...base, status: 'connected', next: 'done' };
      case 'stopped':
        return { ...base, status: 'disconnected', next: 'done' };
      case 'failed':
        return { ...base, status: 'pending', next: 'wants_cert' }; // the agent starts its walk over when it retries
      default:
        throw new PlatformHttpError(422, 'UnsupportedRuntime', `unknown phase ${body.phase}`);
    }
  }

  /** What the platform's wants_config answers: TCP on the overlay only, mutual TLS, live-restore. */
  daemonConfig(tlsDir: string): Record<string, unknown> {
    return {
      hosts: [`tcp://[${this.overlay}]:2376`],
      tls: true,
      tlsverify: true,
      tlscacert: `${tlsDir}/${agentProtocol.DOCKER_TLS_FILES.ca}`,
      tlscert: `${tlsDir}/${agentProtocol.DOCKER_TLS_FILES.cert}`,
      tlskey: `${tlsDir}/${agentProtocol.DOCKER_TLS_FILES.key}`,
      'live-restore': true,
      ...this.configOverrides,
    };
  }

  private async sign(csrPem: string): Promise<NonNullable<Answer['certificate']>> {
    const csr = await verifyCsr(csrPem);
    const now = this.clock().getTime();
    const issued = await issueCertificate({
      issuer: { certificatePem: this.ca.intermediate.certificatePem, privateKey: this.ca.intermediateKeys.privateKey },
      subjectPublicKey: csr.publicKey,
      commonName: 'dockerd',
      dnsNames: [],
      ipAddresses: [this.overlay], // the platform's SANs, never the CSR's
      extendedKeyUsages: ['serverAuth'],
      notBefore: new Date(now - this.certWindow.agoMs),
      notAfter: new Date(now - this.certWindow.agoMs + this.certWindow.lifetimeMs),
    });
    return { cert_pem: issued.certificatePem, chain_pem: this.ca.chain, serial: issued.serial, not_after: issued.notAfter.toISOString() };
  }
}
