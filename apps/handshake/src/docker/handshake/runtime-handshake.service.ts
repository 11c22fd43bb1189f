import { PlatformError, dockerApiEndpoint, type agentProtocol } from '@powernode/contracts';
import { ConcurrencyConflict, type CommandMeta } from '@powernode/eventstore';
import { normalizeIp } from '@powernode/pki';
import { selectRow } from '@powernode/service-runtime';
import type { AgentCertificates } from '../../agent/agent-certificates.js';
import { desiredModulesProjection } from '../../desired/catalog-views.projection.js';
import type { DesiredStateReader } from '../../desired/desired-state.reader.js';
import type { AgentIdentity } from '../../http/client-identity.js';
import type { HandshakeRuntime } from '../../runtime.js';
import { DOCKER_SETTINGS } from '../docker-settings.js';
import {
  assignedModule,
  isAssigned,
  probeDaemon,
  type DaemonFacts,
  type DockerHostCommand,
  type DockerHostState,
  type DockerHosts,
  type PlatformClientTls,
  type PlatformDockerClient,
} from '@powernode/docker-host';
import type { DockerAssignmentPolicy } from '../policy/assignment-policy.js';
import { reusableCertificate } from './certificate-reuse.js';
import { isCaOutage, type DaemonCertIssuer, type SignedDaemonCertificate } from './daemon-cert-issuer.js';
import { renderDaemonConfig } from './daemon-config.js';
import { KeyedLock } from '@powernode/service-kit';
import { parsePhaseRequest, type PhaseRequest } from './phase-request.js';
import { revokeDaemonCertificate } from '../provisioning/daemon-revocation.js';

type Response = agentProtocol.RuntimeHandshakeResponse;
type Next = Response['next'];
export type DaemonProbe = (overlay: string, tls: PlatformClientTls, timeoutMs: number) => Promise<DaemonFacts>;

/**
 * `POST /runtime/handshake` for the docker runtime. Stateless on the wire: the host is the one of the instance
 * the agent's certificate names (a request can name no other), the answer follows from the host's state, and
 * every phase is idempotent. Each phase checks what it needs before recording anything, so a refused call
 * leaves the stream as it was. Calls of one instance run one at a time in this process.
 */
export class RuntimeHandshakeService {
  private readonly locks = new KeyedLock();

  constructor(
    private readonly runtime: HandshakeRuntime,
    private readonly certificates: AgentCertificates,
    private readonly reader: DesiredStateReader,
    private readonly hosts: DockerHosts,
    private readonly policy: DockerAssignmentPolicy,
    private readonly issuer: DaemonCertIssuer,
    private readonly client: PlatformDockerClient,
    private readonly probe: DaemonProbe = probeDaemon,
  ) {}

  async handshake(agent: AgentIdentity, body: unknown): Promise<Response> {
    await this.certificates.check(agent);
    const request = await parsePhaseRequest(body);
    return this.locks.run(agent.instanceId, () => this.phase(agent.instanceId, request));
  }

  private async phase(instanceId: string, request: PhaseRequest): Promise<Response> {
    const meta: CommandMeta = { actor: `agent:${instanceId}` };
    const host = await this.assignedHost(instanceId, request.phase, meta);
    const run = async (command: DockerHostCommand) => (await this.hosts.execute(instanceId, command, meta)).state;
    switch (request.phase) {
      case 'installing':
        return answer(await run({ type: 'ReportInstalling', data: request.progress === undefined ? {} : { progress: request.progress } }), 'wants_cert');
      case 'waiting_overlay':
        return answer(await run({ type: 'ReportWaitingOverlay', data: {} }), 'wants_cert');
      case 'wants_cert':
        return this.wantsCert(instanceId, host, request, meta);
      case 'wants_config':
        return this.wantsConfig(instanceId, host, request.tlsDir, meta);
      case 'ready':
        return this.ready(instanceId, host, request.version, meta);
      case 'stopped':
        return answer(await run({ type: 'ReportStopped', data: request.reason === undefined ? {} : { reason: request.reason } }), 'done');
      case 'failed':
        // The agent starts its walk over when it retries.
        return answer(await run({ type: 'ReportFailed', data: { reason: request.error, retrying: false } }), 'wants_cert');
      default: {
        const unreachable: never = request;
        throw new Error(`unknown phase ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /**
   * The instance's host, if docker is assigned to it (stopped and failed also after an unassignment: the agent
   * reports tearing the daemon down). The agent may have seen a template assignment in its desired state before
   * the assignment policy recorded it: then the policy catches up first, so module.assigned comes before the
   * agent's first phase.
   */
  private async assignedHost(instanceId: string, phase: PhaseRequest['phase'], meta: CommandMeta): Promise<DockerHostState> {
    await this.reader.instance(instanceId);
    let host = await this.hosts.load(instanceId);
    if (host.decommissioned) throw new PlatformError('InstanceDecommissioned', `the docker runtime of instance ${instanceId} is decommissioned`, { instance_id: instanceId, host_id: host.hostId });
    if (isAssigned(host) || ((phase === 'stopped' || phase === 'failed') && host.exists)) return host;
    const { assigned } = await this.reader.modules(instanceId);
    if (assigned.some((m) => m.runtime === 'docker')) {
      await this.policy.settle(instanceId, { ...meta, actor: 'service:handshake' });
      host = await this.hosts.load(instanceId);
      if (isAssigned(host)) return host;
    }
    throw new PlatformError('PermissionDenied', `docker is not assigned to instance ${instanceId} (neither through its template nor directly)`, { instance_id: instanceId });
  }

  private async wantsCert(instanceId: string, host: DockerHostState, request: Extract<PhaseRequest, { phase: 'wants_cert' }>, meta: CommandMeta): Promise<Response> {
    const overlay = await this.overlayOf(instanceId);
    const key = request.csr.spkiSha256;
    const apiEndpoint = dockerApiEndpoint(overlay);
    let state = (await this.hosts.execute(instanceId, { type: 'WantCert', data: { overlay, apiEndpoint, publicKeySha256: key } }, meta)).state;
    const current = reusableCertificate(state, key, overlay, new Date());
    let certificate: SignedDaemonCertificate | undefined = current && (await this.issuer.stored(current.serial, current.notAfter));
    if (!certificate) {
      try {
        certificate = await this.issuer.sign({ hostId: host.hostId, instanceId, overlay, publicKeySha256: key }, request.csrPem);
      } catch (error) {
        // The host stays at wants_cert, with the reason an operator can read; recorded once per outage.
        if (isCaOutage(error)) await this.hosts.execute(instanceId, { type: 'ReportFailed', data: { phase: 'wants_cert', code: 'CaUnavailable', reason: (error as Error).message, retrying: true } }, meta);
        throw error;
      }
      state = await this.recordSigned(instanceId, state, certificate, key, meta);
      const recorded = state.certificate!;
      if (recorded.serial !== certificate.serial) {
        const theirs = await this.issuer.stored(recorded.serial, recorded.notAfter);
        if (!theirs) throw new PlatformError('Conflict', `host ${host.hostId} got another daemon certificate meanwhile: ask again`, { host_id: host.hostId, retry: true });
        certificate = theirs;
      }
    }
    const { serial, notAfter, certPem, chainPem } = certificate;
    return { ...answer(state, 'wants_config'), certificate: { cert_pem: certPem, chain_pem: chainPem, serial, not_after: notAfter } };
  }

  /**
   * Records the certificate just signed, compared against the one the host held when this replica decided to sign.
   * When another replica answered the same request first (or a newer key overtook it), this certificate is never
   * recorded nor handed out, and goes on the CRL so no unrecorded daemon certificate stays valid.
   */
  private async recordSigned(instanceId: string, before: DockerHostState, certificate: SignedDaemonCertificate, key: string, meta: CommandMeta): Promise<DockerHostState> {
    const data = { serial: certificate.serial, notAfter: certificate.notAfter, publicKeySha256: key, replaces: before.certificate?.serial ?? null };
    const unused = () => revokeDaemonCertificate(this.runtime, instanceId, certificate.serial, 2, 'superseded: not recorded for the host');
    let state: DockerHostState;
    try {
      state = (await this.hosts.execute(instanceId, { type: 'RecordCertSigned', data }, meta)).state;
    } catch (error) {
      // Refused or lost every race on the host's version: certainly not recorded.
      if (error instanceof ConcurrencyConflict || (error instanceof PlatformError && error.code === 'IllegalState')) await unused();
      throw error;
    }
    if (state.certificate?.serial !== certificate.serial) await unused();
    return state;
  }

  private async wantsConfig(instanceId: string, host: DockerHostState, tlsDir: string, meta: CommandMeta): Promise<Response> {
    const certificate = requireCertificate(host);
    const overlay = await this.overlayOf(instanceId);
    if (overlay !== certificate.overlay) {
      throw new PlatformError('IllegalState', `the overlay of instance ${instanceId} is now ${overlay}, the daemon certificate names ${certificate.overlay}: wants_cert again`, {
        instance_id: instanceId,
        overlay_address: overlay,
      });
    }
    const module = assignedModule(host);
    const row = module && (await selectRow(this.runtime, desiredModulesProjection, module.moduleId));
    const rendered = renderDaemonConfig({ overlay, tlsDir, moduleConfig: row?.config ?? {} });
    if (rendered.refused.length) {
      this.runtime.logger.warn({ instance_id: instanceId, module_id: module?.moduleId, refused: rendered.refused }, 'docker module overrides of security settings ignored');
    }
    const { state } = await this.hosts.execute(instanceId, { type: 'RecordConfig', data: { configHash: rendered.hash, refusedKeys: rendered.refused } }, meta);
    return { ...answer(state, 'ready'), daemon_config: { config: rendered.config, hash: rendered.hash } };
  }

  /** Only what the platform itself sees counts: a TLS /_ping over the overlay with its own client certificate. */
  private async ready(instanceId: string, host: DockerHostState, reportedVersion: string, meta: CommandMeta): Promise<Response> {
    const certificate = requireCertificate(host);
    if (!host.configHash) throw new PlatformError('IllegalState', `host ${host.hostId} has fetched no daemon configuration yet: wants_config first`, { host_id: host.hostId, phase: host.phase });
    const tls = await this.client.tls();
    let facts: DaemonFacts;
    try {
      facts = await this.probe(certificate.overlay, tls, DOCKER_SETTINGS.probeTimeoutMs);
    } catch (error) {
      if (error instanceof PlatformError && error.code === 'DaemonUnreachable') {
        await this.hosts.execute(instanceId, { type: 'ReportFailed', data: { phase: 'ready', code: 'DaemonUnreachable', reason: error.message, retrying: true } }, meta);
      }
      throw error;
    }
    if (facts.version !== reportedVersion) this.runtime.logger.info({ instance_id: instanceId, reported: reportedVersion, daemon: facts.version }, 'the daemon reports another version than its agent; recording the daemon’s');
    const { state } = await this.hosts.execute(instanceId, { type: 'RecordReady', data: { version: facts.version } }, meta);
    return answer(state, 'done');
  }

  /** The instance's overlay /128: its first SDWAN interface's address, as the sdwan service has it now. */
  private async overlayOf(instanceId: string): Promise<string> {
    const [first] = (await this.reader.sdwan(instanceId)).interfaces;
    if (!first) {
      throw new PlatformError(
        'IllegalState',
        `instance ${instanceId} has no SDWAN overlay address: the docker daemon listens only on the instance's overlay /128. ` +
          `Attach a peer first: system_sdwan_attach_peer({ network_id: "<network-id>", node_instance_id: "${instanceId}" })`,
        { instance_id: instanceId, remedy: 'system_sdwan_attach_peer' },
      );
    }
    return normalizeIp(first.address.split('/')[0]!);
  }
}

function requireCertificate(host: DockerHostState) {
  if (!host.certificate) throw new PlatformError('IllegalState', `host ${host.hostId} has no daemon certificate yet: wants_cert first`, { host_id: host.hostId, phase: host.phase });
  return host.certificate;
}

function answer(state: DockerHostState, next: Next): Response {
  return { host_id: state.hostId, status: state.status, next, ...(state.apiEndpoint === null ? {} : { api_endpoint: state.apiEndpoint }) };
}
