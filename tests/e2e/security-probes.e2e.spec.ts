// Security probes against the real CA, catalog, sdwan, handshake and gateway (NATS, PostgreSQL, mTLS): each one
// tries what DESIGN.md §4 says must not work and checks the exact stable code and that the event stream did not move.
// Covered elsewhere, not repeated here (they need real dockerd and WireGuard):
// - a peer of network B reaching a daemon on network A: docker-proxy.e2e.spec.ts, "keeps networks apart: a peer of
//   another network cannot reach the daemon, even with valid TLS material";
// - no dockerd TCP listener but [overlay]:2376: docker-runtime.e2e.spec.ts, "installs dockerd in the instance's
//   namespace, listening on the overlay /128 only, …".
// Bootstrap tokens that are used, superseded, forged or expired (1 s TTL) are in handshake-enrolment.e2e.spec.ts;
// here are the angles it leaves: a used token with another key after the agent already heartbeated, and the
// redeeming key itself once the token has expired.
import { jetstreamManager } from '@nats-io/jetstream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { caActions, catalogActions, dockerHostIdOf, handshakeActions, type Commit, type EventEnvelope } from '@powernode/contracts';
import { dockerHostRef } from '@powernode/docker-host';
import { certificateInfo, splitPemBundle } from '@powernode/pki';
import { eventually, testPlatformEnv } from '@powernode/testing';
import { agentKeyAndCsr, agentRequest, testFacts, type AgentTls } from '../../apps/handshake/src/testing/agent-client.js';
import { startFakeDockerDaemon, type FakeDockerDaemon } from '../../apps/handshake/src/testing/fake-docker-daemon.js';
import { postAction, startTestGateway, type TestGateway } from '../../apps/gateway/src/testing/test-gateway.js';
import { startHandshakePlatform, type EnrolledAgent, type HandshakePlatform } from './support/handshake-platform.js';
import { captureLogs } from './support/log-capture.js';
import { certificateNames, csrAsking } from './support/probe-certificates.js';
import { rogueLeaf } from './support/rogue-certificates.js';

const TLS_DIR = '/etc/docker/powernode';

interface DockerAgent extends EnrolledAgent {
  overlay: string;
  hostId: string;
}

type Answer = { status: number; body: any };

describe('security probes', () => {
  const platform = testPlatformEnv();
  const logs = captureLogs();
  /** Every secret the suite saw; none may be in a log line. */
  const secrets = new Map<string, string>();
  const daemons: FakeDockerDaemon[] = [];
  let sut: HandshakePlatform;
  let gateway: TestGateway;

  beforeAll(async () => {
    platform.env.LOG_LEVEL = 'trace'; // the lowest level the services have
    // No liveness transitions in the background: the stream moves only when a probe makes it.
    sut = await startHandshakePlatform({ HEARTBEAT_INTERVAL_S: '3600' }, { platform, logs });
    gateway = await startTestGateway(platform, {}, { logs });
    secrets.set('PLATFORM_SERVICE_TOKEN', platform.env.PLATFORM_SERVICE_TOKEN!);
    secrets.set('CA_KEK', sut.ca.config.CA_KEK!);
    secrets.set('gateway admin token', gateway.adminToken);
  });
  afterAll(async () => {
    for (const daemon of daemons) await daemon.close();
    await gateway?.destroy();
    await sut?.destroy();
  });

  const lastSeq = async () => (await (await jetstreamManager(sut.handshake.runtime.nc)).streams.info(platform.env.EVENT_STREAM!)).state.last_seq;
  const eventsAfter = async (seq: number): Promise<EventEnvelope[]> => {
    const jsm = await jetstreamManager(sut.handshake.runtime.nc);
    const events: EventEnvelope[] = [];
    for (let s = seq + 1, last = await lastSeq(); s <= last; s += 1) events.push(...(await jsm.streams.getMessage(platform.env.EVENT_STREAM!, { seq: s }))!.json<Commit>().events);
    return events;
  };
  /** The call answers `status`/`code` and the event stream's last sequence does not move. */
  const expectRefused = async (call: () => Promise<Answer>, status: number, code: string): Promise<Answer> => {
    const before = await lastSeq();
    const res = await call();
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
    expect(await lastSeq()).toBe(before);
    return res;
  };

  const beat = (agent: EnrolledAgent, body: Record<string, unknown> = {}, tls: AgentTls = agent.tls) =>
    agentRequest(sut.handshake.url, '/agent/heartbeat', tls, { instance_id: agent.instanceId, wait_s: 0, facts: testFacts, ...body });
  const handshake = (tls: AgentTls, body: Record<string, unknown>) => agentRequest(sut.handshake.url, '/runtime/handshake', tls, { runtime: 'docker', ...body });
  const renew = (tls: AgentTls, body: Record<string, unknown>) => agentRequest(sut.handshake.url, '/agent/renew', tls, body);
  const enroll = (token: string, csrPem: string) => agentRequest(sut.handshake.url, '/agent/enroll', { ca: [sut.root] }, { bootstrap_token: token, csr_pem: csrPem, facts: testFacts });
  const statusOf = async (id: string) => (await sut.catalog.call(catalogActions.systemGetInstance, { id })).instance.status;
  const hostKinds = async (instanceId: string) => (await sut.handshake.runtime.store.load(dockerHostRef(instanceId))).events.map((e) => e.kind);

  /** An enrolled agent that has heartbeated and is online, so its next heartbeats append nothing. */
  const onlineAgent = async (): Promise<EnrolledAgent> => {
    const agent = await sut.enrolAgent();
    secrets.set(`agent key ${agent.instanceId}`, agent.tls.key);
    expect((await beat(agent)).status).toBe(200);
    await eventually(async () => expect(await statusOf(agent.instanceId)).toBe('online'));
    return agent;
  };
  /** An online agent on the test network with docker-engine assigned to its template. */
  const dockerAgent = async (): Promise<DockerAgent> => {
    const agent = await onlineAgent();
    const peer = await sut.attachPeer(agent.instanceId);
    await sut.catalog.call(catalogActions.systemAssignModuleToTemplate, { template_id: agent.templateId, module_name: 'docker-engine' });
    await eventually(async () => expect(await hostKinds(agent.instanceId)).toEqual(['system.docker.module.assigned']));
    return { ...agent, overlay: peer.overlay_address, hostId: dockerHostIdOf(agent.instanceId) };
  };
  /** installing → wants_cert with a CSR asking for `foreign` names: the signed daemon certificate and its key. */
  const walkToCert = async (agent: DockerAgent, foreign: { commonName: string; dnsNames: string[]; ipAddresses: string[] }) => {
    expect((await handshake(agent.tls, { phase: 'installing' })).status).toBe(200);
    const { keyPem, csrPem } = await csrAsking(foreign);
    secrets.set(`daemon key ${agent.instanceId}`, keyPem);
    const res = await handshake(agent.tls, { phase: 'wants_cert', csr_pem: csrPem });
    expect(res).toMatchObject({ status: 200, body: { next: 'wants_config' } });
    return { keyPem, certificate: res.body.certificate as { cert_pem: string; chain_pem: string[]; serial: string } };
  };

  describe('impersonation: an agent speaks only for its own instance', () => {
    it('refuses X’s certificate heartbeating as Y or walking Y’s runtime handshake (403), and renews only X', async () => {
      const x = await onlineAgent();
      const y = await dockerAgent();
      const yHost = await hostKinds(y.instanceId);

      await expectRefused(() => beat(x, { instance_id: y.instanceId }), 403, 'PermissionDenied');
      // X runs no docker; naming Y's host and instance in the body does not make the request Y's.
      const { csrPem: forY } = await csrAsking({ commonName: `docker-daemon-${y.instanceId}`, dnsNames: [`${y.instanceId}.nodes.powernode`], ipAddresses: [y.overlay] });
      for (const phase of [{ phase: 'installing' }, { phase: 'wants_cert', csr_pem: forY }, { phase: 'ready', version: '25.0.3' }, { phase: 'stopped' }]) {
        await expectRefused(() => handshake(x.tls, { ...phase, instance_id: y.instanceId, host_id: y.hostId }), 403, 'PermissionDenied');
      }
      expect(await hostKinds(y.instanceId)).toEqual(yHost);

      // Renewal names no instance: the certificate decides. A CSR (and body) naming Y yields a certificate for X only.
      const before = await lastSeq();
      const { keyPem, csrPem } = await csrAsking({ commonName: y.instanceId, dnsNames: [`${y.instanceId}.nodes.powernode`], ipAddresses: [y.overlay] });
      const renewed = await renew(x.tls, { csr_pem: csrPem, instance_id: y.instanceId });
      expect(renewed.status).toBe(200);
      expect(certificateNames(renewed.body.certificate_pem)).toEqual({ subject: `CN=${x.instanceId}`, dns: [], ip: [], eku: ['clientAuth'] });
      const appended = await eventsAfter(before);
      expect(appended.map((e) => [e.kind, (e.data as { subject: string }).subject])).toEqual([['system.ca.certificate.issued', x.instanceId]]);
      const renewedTls = { ca: x.tls.ca, cert: renewed.body.certificate_pem + renewed.body.chain_pem[0], key: keyPem };
      await expectRefused(() => beat(x, { instance_id: y.instanceId }, renewedTls), 403, 'PermissionDenied');
      await expectRefused(() => handshake(renewedTls, { phase: 'installing', instance_id: y.instanceId }), 403, 'PermissionDenied');
    });
  });

  describe('bootstrap tokens', () => {
    it('refuses a used token with another key after the agent already heartbeated; the agent keeps working', async () => {
      const { instanceId } = await sut.provision();
      const { token } = await sut.handshake.issueToken(instanceId);
      secrets.set(`bootstrap token ${instanceId}`, token);
      const { keyPem, csrPem } = await agentKeyAndCsr();
      const first = await enroll(token, csrPem);
      expect(first.status).toBe(200);
      const agent: EnrolledAgent = { instanceId, templateId: '', tls: { ca: [sut.root], cert: first.body.certificate_pem + first.body.chain_pem[0], key: keyPem } };
      expect((await beat(agent)).status).toBe(200);
      await eventually(async () => expect(await statusOf(instanceId)).toBe('online'));

      const thief = await agentKeyAndCsr(instanceId);
      await expectRefused(() => enroll(token, thief.csrPem), 401, 'InvalidBootstrapToken');
      const before = await lastSeq();
      expect((await beat(agent)).status).toBe(200);
      expect(await lastSeq()).toBe(before);
    });

    it('refuses even the redeeming key’s retry once the token has expired', async () => {
      const { instanceId } = await sut.provision();
      const { token } = await sut.handshake.issueToken(instanceId);
      secrets.set(`bootstrap token ${instanceId}`, token);
      const { csrPem } = await agentKeyAndCsr();
      expect((await enroll(token, csrPem)).status).toBe(200);
      const schema = sut.handshake.config.DATABASE_SCHEMA;
      await sut.handshake.runtime.db.query(`UPDATE "${schema}".bootstrap_tokens SET expires_at = now() - interval '1 second' WHERE instance_id = $1`, [instanceId]);
      await expectRefused(() => enroll(token, csrPem), 401, 'InvalidBootstrapToken');
    });
  });

  describe('names come from platform state, never from the CSR', () => {
    it('enrols with a CSR asking for another instance’s id, DNS names and IPs: the certificate names only the token’s instance', async () => {
      const other = await sut.enrolAgent();
      const { instanceId } = await sut.provision();
      const { token } = await sut.handshake.issueToken(instanceId);
      secrets.set(`bootstrap token ${instanceId}`, token);
      const { csrPem } = await csrAsking({ commonName: other.instanceId, dnsNames: [`${other.instanceId}.nodes.powernode`, 'platform.powernode', 'evil.example'], ipAddresses: ['127.0.0.1', '::', 'fd00::1'] });
      const res = await enroll(token, csrPem);
      expect(res).toMatchObject({ status: 200, body: { instance_id: instanceId } });
      expect(certificateNames(res.body.certificate_pem)).toEqual({ subject: `CN=${instanceId}`, dns: [], ip: [], eku: ['clientAuth'] });
    });

    it('signs wants_cert with the host’s own overlay and name, whatever another host’s names the CSR asks for', async () => {
      const [x, y] = [await dockerAgent(), await dockerAgent()];
      const { certificate } = await walkToCert(x, {
        commonName: `docker-daemon-${y.instanceId}`,
        dnsNames: [`${y.instanceId}.nodes.powernode`, 'localhost', 'evil.example'],
        ipAddresses: [y.overlay, '0.0.0.0', '::', '127.0.0.1'],
      });
      expect(certificateNames(certificate.cert_pem)).toEqual({
        subject: `CN=docker-daemon-${x.instanceId}`,
        dns: [`${x.instanceId}.nodes.powernode`],
        ip: [x.overlay],
        eku: ['serverAuth'],
      });
    });
  });

  describe('operator permissions', () => {
    const viewerName = 'probe-viewer';
    const operatorName = 'probe-operator';
    const tokens: Record<string, string> = {};
    let agent: EnrolledAgent;

    beforeAll(async () => {
      for (const [name, role] of [[viewerName, 'viewer'], [operatorName, 'operator']]) {
        expect((await postAction(gateway, 'identity_create_account', { name, roles: [role] }, gateway.adminToken)).status).toBe(200);
        const issued = await postAction(gateway, 'identity_issue_token', { account_id: name }, gateway.adminToken);
        expect(issued.status).toBe(200);
        tokens[name] = issued.body.token;
        secrets.set(`${role} token`, issued.body.token);
      }
      agent = await onlineAgent();
    });

    it('refuses a viewer’s and an operator’s mutating calls they lack the permission for, over HTTP (403 PermissionDenied)', async () => {
      const serial = serialOf(agent.tls.cert);
      const viewer = tokens[viewerName]!;
      const operator = tokens[operatorName]!;
      const refusals: [string, Record<string, unknown>, string][] = [
        ['system_provision_docker_runtime', { node_instance_id: agent.instanceId }, viewer],
        ['system_decommission_instance', { id: agent.instanceId }, viewer],
        ['ca_revoke_certificate', { serial, reason: 'probe' }, viewer],
        ['identity_issue_token', { account_id: 'admin' }, viewer],
        ['identity_create_account', { name: 'probe-escalated', roles: ['admin'] }, viewer],
        ['docker_export_operator_cert', { ttl: '1h' }, viewer],
        ['ca_revoke_certificate', { serial, reason: 'probe' }, operator],
        ['identity_issue_token', { account_id: 'admin' }, operator],
        ['system_sdwan_create_network', { name: 'probe' }, operator],
      ];
      for (const [action, input, token] of refusals) {
        await expectRefused(() => postAction(gateway, action, input, token), 403, 'PermissionDenied');
      }
      await expectRefused(() => postAction(gateway, 'ca_sign', { profile: 'agent-identity', csr_pem: 'x', subject: {} }, gateway.adminToken), 404, 'NotFound');
      // Nothing happened to the agent: its certificate is not revoked and it still heartbeats.
      expect((await beat(agent)).status).toBe(200);
    });

    it('refuses the same over MCP with a tool error carrying PermissionDenied', async () => {
      const mcp = new Client({ name: 'probe', version: '1' });
      await mcp.connect(new StreamableHTTPClientTransport(new URL(`${gateway.httpUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${tokens[viewerName]}` } } }));
      try {
        const call = async (name: string, args: Record<string, unknown>): Promise<Answer> => {
          const result = await mcp.callTool({ name, arguments: args });
          expect(result.isError).toBe(true);
          const body = JSON.parse((result.content as { text: string }[])[0]!.text);
          return { status: 403, body };
        };
        await expectRefused(() => call('system_provision_docker_runtime', { node_instance_id: agent.instanceId }), 403, 'PermissionDenied');
        await expectRefused(() => call('ca_revoke_certificate', { serial: serialOf(agent.tls.cert) }), 403, 'PermissionDenied');
        await expectRefused(() => call('identity_create_account', { name: 'probe-mcp', roles: ['admin'] }), 403, 'PermissionDenied');
      } finally {
        await mcp.close();
      }
    });
  });

  describe('revocation', () => {
    it('refuses an agent certificate revoked through ca_revoke_certificate: heartbeat, renew and runtime handshake (401)', async () => {
      const agent = await dockerAgent();
      const serial = serialOf(agent.tls.cert);
      const revoked = await postAction(gateway, 'ca_revoke_certificate', { serial, reason: 'keyCompromise' }, gateway.adminToken);
      expect(revoked).toMatchObject({ status: 200, body: { serial, revoked: true, already_revoked: false } });
      await eventually(async () => expect((await beat(agent)).status).toBe(401), { timeoutMs: 5_000 });
      await expectRefused(() => beat(agent), 401, 'Unauthenticated');
      await expectRefused(async () => renew(agent.tls, { csr_pem: (await agentKeyAndCsr()).csrPem }), 401, 'Unauthenticated');
      await expectRefused(() => handshake(agent.tls, { phase: 'installing' }), 401, 'Unauthenticated');
    });
  });

  describe('profile confusion and foreign CAs', () => {
    let agent: DockerAgent;
    let intermediateCn: string;

    beforeAll(async () => {
      agent = await dockerAgent();
      const { chain_pem } = await sut.ca.call(caActions.caGetChain, {});
      intermediateCn = certificateInfo(chain_pem[0]).subjectCn;
    });

    /** A certificate of `profile` from the platform CA itself, for a fresh key, as a TLS client identity. */
    const platformIssued = async (profile: string, subject: Record<string, string>): Promise<AgentTls> => {
      const { keyPem, csrPem } = await agentKeyAndCsr();
      const signed = await sut.ca.call(caActions.caSign, { profile, csr_pem: csrPem, subject });
      return { ca: [sut.root], cert: signed.cert_pem + signed.chain_pem[0], key: keyPem };
    };

    it('refuses the platform’s docker client certificate and an operator certificate named like the instance as agent identities (401)', async () => {
      const platformClient = await platformIssued('docker-platform-client', {});
      const operatorAsInstance = await platformIssued('operator-client', { operator: agent.instanceId });
      for (const tls of [platformClient, operatorAsInstance]) {
        await expectRefused(() => beat(agent, {}, tls), 401, 'Unauthenticated');
        await expectRefused(async () => renew(tls, { csr_pem: (await agentKeyAndCsr()).csrPem }), 401, 'Unauthenticated');
        await expectRefused(() => handshake(tls, { phase: 'installing' }), 401, 'Unauthenticated');
      }
    });

    it('refuses the host’s daemon server certificate as a client identity (401)', async () => {
      const { keyPem, certificate } = await walkToCert(agent, { commonName: agent.instanceId, dnsNames: [], ipAddresses: [] });
      const serverCert = { ca: [sut.root], cert: certificate.cert_pem + certificate.chain_pem[0], key: keyPem };
      await expectRefused(() => beat(agent, {}, serverCert), 401, 'Unauthenticated');
      await expectRefused(() => handshake(serverCert, { phase: 'installing' }), 401, 'Unauthenticated');
    });

    it('refuses a look-alike CA’s certificate copying the agent’s serial, subject and issuer name (401 or TLS)', async () => {
      const serial = serialOf(agent.tls.cert);
      const forged = await rogueLeaf({ issuerName: intermediateCn, commonName: agent.instanceId, extendedKeyUsages: ['clientAuth'], serial });
      const tls = { ca: [sut.root], ...forged };
      for (const call of [() => beat(agent, {}, tls), () => handshake(tls, { phase: 'installing' }), () => renew(tls, { csr_pem: 'x' })]) {
        await expectRefused(() => call().catch((error: Error) => ({ status: 401, body: { code: 'Unauthenticated', tls: error.message } })), 401, 'Unauthenticated');
      }
    });

    it('does not connect a daemon presenting an agent-identity or a foreign-CA certificate at ready (409 DaemonUnreachable)', async () => {
      const host = await dockerAgent();
      await walkToCert(host, { commonName: host.instanceId, dnsNames: [], ipAddresses: [] });
      expect((await handshake(host.tls, { phase: 'wants_config', tls_dir: TLS_DIR })).status).toBe(200);
      const before = await lastSeq();
      // The agent's own identity (clientAuth, no overlay SAN) as the daemon's server certificate.
      const asAgent = await startFakeDockerDaemon({ overlay: host.overlay, cert: host.tls.cert, key: host.tls.key, ca: [sut.root] });
      daemons.push(asAgent);
      const first = await handshake(host.tls, { phase: 'ready', version: '25.0.3' });
      expect({ status: first.status, code: first.body.code }).toEqual({ status: 409, code: 'DaemonUnreachable' });
      await asAgent.close();
      daemons.splice(daemons.indexOf(asAgent), 1);
      // A certificate naming the host exactly, from a CA that copies the platform intermediate's name.
      const forged = await rogueLeaf({ issuerName: intermediateCn, commonName: `docker-daemon-${host.instanceId}`, extendedKeyUsages: ['serverAuth'], dnsNames: [`${host.instanceId}.nodes.powernode`], ipAddresses: [host.overlay] });
      daemons.push(await startFakeDockerDaemon({ overlay: host.overlay, cert: forged.cert, key: forged.key, ca: [sut.root] }));
      const second = await handshake(host.tls, { phase: 'ready', version: '25.0.3' });
      expect({ status: second.status, code: second.body.code }).toEqual({ status: 409, code: 'DaemonUnreachable' });
      // The refused readies record one failed attempt (the tutorial's troubleshooting shows it), never provisioned.
      // (The platform's own docker client certificate may be issued on its first use.)
      const appended = (await eventsAfter(before)).map((e) => [e.kind, (e.data as { code?: string; profile?: string }).code ?? (e.data as { profile?: string }).profile]);
      expect(appended.filter(([kind]) => kind !== 'system.ca.certificate.issued')).toEqual([['system.docker.handshake.failed', 'DaemonUnreachable']]);
      expect(appended.filter(([kind]) => kind === 'system.ca.certificate.issued')).toEqual(appended.filter(([, profile]) => profile === 'docker-platform-client'));
      expect(await hostKinds(host.instanceId)).not.toContain('system.docker.provisioned');
      const { hosts } = await sut.handshake.call(handshakeActions.systemListManagedDockerHosts, { node_instance_id: host.instanceId });
      expect(hosts[0]).toMatchObject({ status: 'pending' });
    });
  });

  // Last: it walks the whole agent path once more and then reads every line logged since the platform started.
  describe('secrets in logs', () => {
    it('logs no bootstrap token, service or operator token, CA_KEK, private key or agent key material at trace level', async () => {
      const agent = await dockerAgent();
      const { keyPem: renewedKey, csrPem } = await agentKeyAndCsr();
      secrets.set('renewed agent key', renewedKey);
      expect((await renew(agent.tls, { csr_pem: csrPem })).status).toBe(200);
      const { certificate, keyPem } = await walkToCert(agent, { commonName: agent.instanceId, dnsNames: [], ipAddresses: [] });
      expect((await handshake(agent.tls, { phase: 'wants_config', tls_dir: TLS_DIR })).status).toBe(200);
      daemons.push(await startFakeDockerDaemon({ overlay: agent.overlay, cert: certificate.cert_pem + certificate.chain_pem[0], key: keyPem, ca: [sut.root] }));
      expect(await handshake(agent.tls, { phase: 'ready', version: '25.0.3' })).toMatchObject({ status: 200, body: { status: 'connected' } });
      expect((await beat(agent)).status).toBe(200);

      // The capture really captured: every service, Nest's own lines, and a line this walk caused.
      const parsed = logs.lines.map((line) => JSON.parse(line) as { service?: string; msg?: string });
      expect(logs.lines.length).toBeGreaterThan(20);
      expect(new Set(parsed.map((l) => l.service))).toEqual(new Set(['ca', 'catalog', 'handshake', 'sdwan', 'gateway']));
      expect(parsed.some((l) => l.msg === 'admin operator token written')).toBe(true);
      expect(parsed.some((l) => l.service === 'handshake' && /successfully started/.test(l.msg ?? ''))).toBe(true);

      expect(secrets.size).toBeGreaterThan(10);
      const leaks: string[] = [];
      for (const [name, secret] of secrets) {
        for (const needle of secretNeedles(secret)) if (logs.lines.some((line) => line.includes(needle))) leaks.push(name);
      }
      expect(leaks).toEqual([]);
      expect(logs.lines.filter((line) => line.includes('PRIVATE KEY'))).toEqual([]);
    });
  });
});

/** The serial of a bundle's leaf. */
function serialOf(bundle: string): string {
  return certificateInfo(splitPemBundle(bundle)[0]!).serial;
}

/** What to look for: the secret, and for a token its secret part, for a PEM key its base64 body and a JSON-escaped copy. */
function secretNeedles(secret: string): string[] {
  if (secret.includes('-----BEGIN')) {
    const body = secret.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    return [body, JSON.stringify(secret).slice(1, -1), body.slice(-24)];
  }
  const parts = secret.split('.');
  return parts.length === 3 ? [secret, parts[2]!] : [secret];
}
