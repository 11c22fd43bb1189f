import { PlatformError, agentProtocol, caActions, catalogActions, parseInput } from '@powernode/contracts';
import { verifyCsr } from '@powernode/pki';
import type { DesiredStateReader } from '../desired/desired-state.reader.js';
import type { LongPoll } from '../desired/long-poll.js';
import type { AgentIdentity } from '../http/client-identity.js';
import type { ServerIdentity } from '../http/server-identity.js';
import type { Liveness } from '../liveness/liveness.js';
import type { HandshakeRuntime } from '../runtime.js';
import type { WireguardRelay } from '../sdwan/wireguard-relay.js';
import { invalidToken, type BootstrapTokens } from '../tokens/bootstrap-tokens.js';
import type { AgentCertificates } from './agent-certificates.js';

type Signed = ReturnType<typeof caActions.caSign.output.parse>;

/** The heartbeat's HTTP request as the service needs it. */
export interface HeartbeatRequestContext {
  /** Ends the long-poll when the agent goes away. */
  signal: AbortSignal;
  /** The TCP peer address the request came from: the agent's observed underlay address. */
  remoteAddress: string | undefined;
  /** Runs the heartbeat's work (not its wait) when the server's admission lets it. */
  admit: <T>(work: () => Promise<T>) => Promise<T>;
}

/** The agent-facing use cases: enrol, heartbeat (long-poll), renew. The HTTPS layer only parses and routes. */
export class AgentService {
  constructor(
    private readonly runtime: HandshakeRuntime,
    private readonly identity: () => ServerIdentity,
    private readonly tokens: BootstrapTokens,
    private readonly certificates: AgentCertificates,
    private readonly reader: DesiredStateReader,
    private readonly longPoll: LongPoll,
    private readonly liveness: Liveness,
    private readonly wireguard: WireguardRelay,
  ) {}

  private get intervalS(): number {
    return this.runtime.config.HEARTBEAT_INTERVAL_S;
  }

  async enroll(body: unknown) {
    const request = parseInput(agentProtocol.enrollRequest, body, 'enroll request');
    if (agentProtocol.caFingerprintOfBootstrapToken(request.bootstrap_token) !== this.identity().rootSha256) throw invalidToken();
    const csr = await verifyCsr(request.csr_pem);
    const { instanceId, firstUse } = await this.tokens.consume(request.bootstrap_token, csr.spkiSha256);
    try {
      await this.reader.instance(instanceId).catch((error: PlatformError) => {
        if (error.code !== 'NotFound') throw error; // the projection may lag the catalog; the catalog decides below
      });
      const signed = await this.sign(instanceId, request.csr_pem);
      const { serial } = signed; // the CA's answer names it (platform format): no need to parse the certificate
      await this.certificates.enrolled(instanceId, serial, signed.not_after);
      await this.liveness.enrolled(instanceId);
      const record = { instance_id: instanceId, event: 'enrolled', certificate_serial: serial, agent_version: request.facts.agent_version };
      await this.runtime.rpc.callInternal(catalogActions.catalogRecordInstanceAgent, record, 'handshake');
      return { instance_id: instanceId, certificate_pem: signed.cert_pem, chain_pem: signed.chain_pem, heartbeat_interval_s: this.intervalS };
    } catch (error) {
      // Nothing was enrolled: the agent may retry with the same token (a retry of an enrolment that went through keeps it used).
      if (firstUse) await this.tokens.release(request.bootstrap_token);
      throw error;
    }
  }

  async heartbeat(agent: AgentIdentity, body: unknown, { signal, remoteAddress, admit }: HeartbeatRequestContext) {
    const { request, desired, templateId } = await admit(() => this.beat(agent, body, remoteAddress));
    const answer = (state: typeof desired, changed: boolean) => ({ desired: state, changed, heartbeat_interval_s: this.intervalS });
    if (desired.version !== request.desired_version || request.wait_s === 0) return answer(desired, desired.version !== request.desired_version);
    const changed = await this.longPoll.wait(agent.instanceId, templateId, desired, request.wait_s * 1000, signal);
    return changed ? answer(changed, true) : answer(desired, false);
  }

  /** A heartbeat's work: who it is, its facts relayed and recorded, and the desired state it should hold. */
  private async beat(agent: AgentIdentity, body: unknown, remoteAddress: string | undefined) {
    await this.certificates.check(agent);
    const request = parseInput(agentProtocol.heartbeatRequest, body, 'heartbeat request');
    if (request.instance_id !== agent.instanceId) {
      throw new PlatformError('PermissionDenied', `this certificate speaks for ${agent.instanceId}, not ${request.instance_id}`, { instance_id: request.instance_id });
    }
    // In the background: the key and endpoint reach the sdwan service whatever this heartbeat's outcome.
    this.wireguard.relay(agent.instanceId, request.facts.runtimes, remoteAddress);
    const { desired, templateId } = (request.desired_version !== undefined && this.longPoll.held(agent.instanceId, request.desired_version)) || (await this.readAndRemember(agent.instanceId));
    await this.liveness.beat(agent.instanceId, request.facts);
    return { request, desired, templateId };
  }

  private async readAndRemember(instanceId: string) {
    const startedAt = Date.now();
    const read = await this.reader.read(instanceId);
    this.longPoll.remember(instanceId, read.templateId, read.desired, startedAt);
    return read;
  }

  async renew(agent: AgentIdentity, body: unknown) {
    await this.certificates.check(agent);
    const request = parseInput(agentProtocol.renewRequest, body, 'renew request');
    await verifyCsr(request.csr_pem);
    await this.reader.instance(agent.instanceId);
    const signed = await this.sign(agent.instanceId, request.csr_pem);
    await this.certificates.renewed(agent.instanceId, signed.serial, signed.not_after);
    return { certificate_pem: signed.cert_pem, chain_pem: signed.chain_pem };
  }

  /** The instance id comes from the token or the verified certificate, never from the CSR. */
  private async sign(instanceId: string, csrPem: string): Promise<Signed> {
    const input = { profile: 'agent-identity', csr_pem: csrPem, subject: { instance_id: instanceId } };
    return (await this.runtime.rpc.callInternal(caActions.caSign, input, 'handshake')) as Signed;
  }
}
