// The docker runtime handshake, platform side, driven by test agents (real CA, catalog, sdwan, handshake, NATS and
// PostgreSQL): the assignment policy, every phase with its events, the failure paths of the tutorial's
// Troubleshooting, direct assignment, and the hosts read model. `ready` is answered by a fake dockerd (mutual TLS,
// /_ping and /version) on the instance's overlay address, put on `lo` here instead of a WireGuard tunnel.
import { caActions, catalogActions, DOCKER_ONBOARDING_KINDS, dockerHostIdOf, handshakeActions, sdwanActions, type EventEnvelope } from '@powernode/contracts';
import { buildCsr, certificateInfo, exportPrivateKeyPem, generateKeyPair } from '@powernode/pki';
import { eventually } from '@powernode/testing';
import { startTestCa, type TestCa } from '../../apps/ca/src/testing/test-ca.js';
import { dockerHostRef } from '@powernode/docker-host';
import { lastStreamSeq } from '../../apps/handshake/src/stream-position.js';
import { agentRequest, testFacts } from '../../apps/handshake/src/testing/agent-client.js';
import { addOverlayAddress, startFakeDockerDaemon, type FakeDockerDaemon } from '../../apps/handshake/src/testing/fake-docker-daemon.js';
import { startHandshakePlatform, type EnrolledAgent, type HandshakePlatform } from './support/handshake-platform.js';

const TLS_DIR = '/etc/docker/powernode';

interface DockerAgent extends EnrolledAgent {
  overlay: string;
  hostId: string;
}

/** The daemon's Ed25519 key and a CSR that asks for names of its own: the platform must ignore them. */
async function daemonKeyAndCsr(algorithm: 'Ed25519' | 'ECDSA-P256' = 'Ed25519') {
  const keys = await generateKeyPair(algorithm);
  const csrPem = await buildCsr({ keys, commonName: 'i-am-the-registry', dnsNames: ['evil.example'], ipAddresses: ['10.6.6.6', 'fd66::6'] });
  return { keyPem: await exportPrivateKeyPem(keys.privateKey), csrPem };
}

describe('docker runtime handshake (platform side)', () => {
  let sut: HandshakePlatform;
  let restartedCa: TestCa | undefined;
  const daemons: FakeDockerDaemon[] = [];

  beforeAll(async () => {
    // No liveness transitions in the background: the stream moves only when a test makes it.
    sut = await startHandshakePlatform({ HEARTBEAT_INTERVAL_S: '3600' });
  });
  afterAll(async () => {
    for (const daemon of daemons) await daemon.close();
    await restartedCa?.destroy({ keepData: true });
    await sut?.destroy();
  });

  const handshake = (agent: EnrolledAgent, body: Record<string, unknown>) => agentRequest(sut.handshake.url, '/runtime/handshake', agent.tls, { runtime: 'docker', ...body });
  const heartbeat = (agent: EnrolledAgent, body: Record<string, unknown> = {}) =>
    agentRequest(sut.handshake.url, '/agent/heartbeat', agent.tls, { instance_id: agent.instanceId, wait_s: 0, facts: testFacts, ...body });
  const hostEvents = async (instanceId: string): Promise<EventEnvelope[]> => (await sut.handshake.runtime.store.load(dockerHostRef(instanceId))).events;
  const kinds = async (instanceId: string) => (await hostEvents(instanceId)).map((e) => e.kind);
  const lastSeq = () => lastStreamSeq(sut.handshake.runtime);
  const listHosts = async (input: Record<string, unknown>) => (await sut.handshake.call(handshakeActions.systemListManagedDockerHosts, input)).hosts;
  const hostOf = async (instanceId: string) => (await listHosts({ node_instance_id: instanceId }))[0];
  const assignDocker = (templateId: string, moduleName = 'docker-engine') => sut.catalog.call(catalogActions.systemAssignModuleToTemplate, { template_id: templateId, module_name: moduleName });

  /** An enrolled agent on the test network whose template runs `moduleName`; waits for the policy's module.assigned. */
  const dockerAgent = async (moduleName = 'docker-engine'): Promise<DockerAgent> => {
    const agent = await sut.enrolAgent();
    const peer = await sut.attachPeer(agent.instanceId);
    await assignDocker(agent.templateId, moduleName);
    await eventually(async () => expect(await kinds(agent.instanceId)).toEqual(['system.docker.module.assigned']));
    return { ...agent, overlay: peer.overlay_address, hostId: dockerHostIdOf(agent.instanceId) };
  };

  /** installing → wants_cert → wants_config: the daemon's key and the answers, ready for a daemon to start. */
  const walkToConfig = async (agent: DockerAgent) => {
    expect(await handshake(agent, { phase: 'installing', progress: 'docker.io present' })).toMatchObject({ status: 200, body: { next: 'wants_cert' } });
    const { keyPem, csrPem } = await daemonKeyAndCsr();
    const cert = await handshake(agent, { phase: 'wants_cert', csr_pem: csrPem });
    expect(cert).toMatchObject({ status: 200, body: { next: 'wants_config' } });
    const config = await handshake(agent, { phase: 'wants_config', tls_dir: TLS_DIR });
    expect(config).toMatchObject({ status: 200, body: { next: 'ready' } });
    return { keyPem, csrPem, certificate: cert.body.certificate, daemonConfig: config.body.daemon_config };
  };

  const startDaemon = async (agent: DockerAgent, walked: Awaited<ReturnType<typeof walkToConfig>>) => {
    const { certificate, keyPem } = walked;
    const daemon = await startFakeDockerDaemon({ overlay: agent.overlay, cert: certificate.cert_pem + certificate.chain_pem[0], key: keyPem, ca: [sut.root] });
    daemons.push(daemon);
    return daemon;
  };

  /** The call fails with `status`/`code` and nothing is appended to the stream. */
  const expectRefused = async (call: () => Promise<{ status: number; body: any }>, status: number, code: string) => {
    const before = await lastSeq();
    const res = await call();
    expect(res).toMatchObject({ status, body: { code } });
    expect(await lastSeq()).toBe(before);
    return res;
  };

  it('walks the tutorial’s six kinds in order through the template path, and the host is connected', async () => {
    const agent = await dockerAgent();
    const walked = await walkToConfig(agent);
    const daemon = await startDaemon(agent, walked);
    const ready = await handshake(agent, { phase: 'ready', version: '25.0.3' });
    expect(ready).toEqual({ status: 200, body: { host_id: agent.hostId, status: 'connected', next: 'done', api_endpoint: `tcp://[${agent.overlay}]:2376` } });
    expect(daemon.clients).toContain('powernode-platform');

    const recorded = await kinds(agent.instanceId);
    expect(recorded.filter((k) => (DOCKER_ONBOARDING_KINDS as readonly string[]).includes(k))).toEqual([...DOCKER_ONBOARDING_KINDS]);
    expect(recorded).toEqual([...DOCKER_ONBOARDING_KINDS.slice(0, 4), 'system.docker.handshake.wants_config', ...DOCKER_ONBOARDING_KINDS.slice(4)]);
    const events = await hostEvents(agent.instanceId);
    expect(events[0]!.data).toMatchObject({ via: 'template', template_id: agent.templateId, module_name: 'docker-engine', module_version: '1.0.0' });
    expect(events[0]!.actor).toBe('service:handshake');
    expect(events[1]!.actor).toBe(`agent:${agent.instanceId}`);
    expect(events.at(-1)!.data).toEqual({ host_id: agent.hostId, instance_id: agent.instanceId, api_endpoint: `tcp://[${agent.overlay}]:2376`, version: '25.0.3' });

    // Repeats after a crash record nothing: ready, and the whole walk with the same key.
    const before = await lastSeq();
    expect(await handshake(agent, { phase: 'ready', version: '25.0.3' })).toMatchObject({ status: 200, body: { status: 'connected', next: 'done' } });
    expect(await handshake(agent, { phase: 'installing' })).toMatchObject({ status: 200 });
    expect((await handshake(agent, { phase: 'wants_cert', csr_pem: walked.csrPem })).body.certificate.serial).toBe(walked.certificate.serial);
    expect((await handshake(agent, { phase: 'wants_config', tls_dir: TLS_DIR })).body.daemon_config.hash).toBe(walked.daemonConfig.hash);
    expect(await lastSeq()).toBe(before);

    await eventually(async () =>
      expect(await hostOf(agent.instanceId)).toMatchObject({
        id: agent.hostId,
        node_instance_id: agent.instanceId,
        api_endpoint: `tcp://[${agent.overlay}]:2376`,
        status: 'connected',
        version: '25.0.3',
        phase: 'ready',
        assigned: true,
        certificate: { serial: walked.certificate.serial },
      }),
    );
    expect((await listHosts({ status: 'connected' })).map((h: { id: string }) => h.id)).toContain(agent.hostId);
    expect((await listHosts({ status: 'pending' })).map((h: { id: string }) => h.id)).not.toContain(agent.hostId);
  });

  it('signs the daemon certificate with the platform’s names, not the CSR’s, and the same key gets the same certificate', async () => {
    const agent = await dockerAgent();
    const { csrPem, certificate } = await walkToConfig(agent);
    const info = certificateInfo(certificate.cert_pem);
    expect(info.ipAddresses).toEqual([agent.overlay]);
    expect(info.dnsNames).toEqual([`${agent.instanceId}.nodes.powernode`]);
    expect(info.extendedKeyUsages).toEqual(['serverAuth']);
    expect(info.subjectCn).toBe(`docker-daemon-${agent.instanceId}`);
    expect(certificate.chain_pem.at(-1)).toBe(sut.root);
    expect(certificate.serial).toBe(info.serial);

    const again = await handshake(agent, { phase: 'wants_cert', csr_pem: csrPem });
    expect(again).toMatchObject({ status: 200, body: { certificate: { serial: certificate.serial, cert_pem: certificate.cert_pem } } });
    expect((await kinds(agent.instanceId)).filter((k) => k === 'system.docker.handshake.cert_signed')).toHaveLength(1);

    // A new key (renewal) is a new certificate; the host stays where it was until ready.
    const renewed = await daemonKeyAndCsr();
    const next = await handshake(agent, { phase: 'wants_cert', csr_pem: renewed.csrPem });
    expect(next.status).toBe(200);
    expect(next.body.certificate.serial).not.toBe(certificate.serial);
    expect((await kinds(agent.instanceId)).slice(-2)).toEqual(['system.docker.handshake.wants_cert', 'system.docker.handshake.cert_signed']);
  });

  it('renders daemon.json for the overlay only, with TLS verified, and never lets a module override a security key', async () => {
    const name = `docker-custom-${process.pid}`;
    const daemon = { hosts: ['tcp://0.0.0.0:2375', 'unix:///var/run/docker.sock'], Hosts: ['tcp://0.0.0.0:2375'], tlsverify: false, ip: '0.0.0.0', 'log-level': 'warn' };
    await sut.catalog.call(catalogActions.systemPublishModule, { name, version: '1.0.0', runtime: 'docker', config: { daemon } });
    await sut.catalog.call(catalogActions.systemPromoteModule, { module_name: name, version: '1.0.0' });
    const agent = await dockerAgent(name);
    const { daemonConfig } = await walkToConfig(agent);
    expect(daemonConfig.config).toEqual({
      hosts: [`tcp://[${agent.overlay}]:2376`],
      tls: true,
      tlsverify: true,
      tlscacert: `${TLS_DIR}/ca.pem`,
      tlscert: `${TLS_DIR}/server-cert.pem`,
      tlskey: `${TLS_DIR}/server-key.pem`,
      ip: agent.overlay,
      'userland-proxy': true,
      'live-restore': true,
      'log-level': 'warn',
    });
    expect(daemonConfig.hash).toMatch(/^[0-9a-f]{64}$/);
    const wantsConfig = (await hostEvents(agent.instanceId)).find((e) => e.kind === 'system.docker.handshake.wants_config')!;
    expect(wantsConfig.data).toEqual({ host_id: agent.hostId, config_hash: daemonConfig.hash, refused_keys: ['Hosts', 'hosts', 'ip', 'tlsverify'] });
  });

  it('refuses unknown runtimes and phases (422), missing fields and bad CSRs (400), phases out of order (409): nothing recorded', async () => {
    const agent = await dockerAgent();
    await expectRefused(() => handshake(agent, { runtime: 'k3s', phase: 'installing' }), 422, 'UnsupportedRuntime');
    await expectRefused(() => handshake(agent, { phase: 'dancing' }), 422, 'UnsupportedRuntime');
    await expectRefused(() => handshake(agent, { phase: 'wants_cert' }), 400, 'InvalidInput');
    await expectRefused(() => handshake(agent, { phase: 'wants_cert', csr_pem: 'not a csr' }), 400, 'InvalidCsr');
    await expectRefused(async () => handshake(agent, { phase: 'wants_cert', csr_pem: (await daemonKeyAndCsr('ECDSA-P256')).csrPem }), 400, 'UnsupportedKey');
    await expectRefused(() => handshake(agent, { phase: 'wants_config', tls_dir: 'relative/dir' }), 400, 'InvalidInput');
    await expectRefused(() => handshake(agent, { phase: 'ready' }), 400, 'InvalidInput');
    await expectRefused(() => handshake(agent, { phase: 'failed' }), 400, 'InvalidInput');
    const early = await expectRefused(() => handshake(agent, { phase: 'wants_config', tls_dir: TLS_DIR }), 409, 'IllegalState');
    expect(early.body.message).toContain('wants_cert first');
    await expectRefused(() => handshake(agent, { phase: 'ready', version: '25.0.3' }), 409, 'IllegalState');
    await expectRefused(() => agentRequest(sut.handshake.url, '/runtime/handshake', { ca: agent.tls.ca }, { runtime: 'docker', phase: 'installing' }), 401, 'Unauthenticated');
    expect(await kinds(agent.instanceId)).toEqual(['system.docker.module.assigned']);
  });

  it('answers 403 to an instance docker is not assigned to: an agent speaks only for its own host', async () => {
    const mine = await dockerAgent();
    expect((await handshake(mine, { phase: 'installing' })).status).toBe(200);
    const other = await sut.enrolAgent();
    await sut.attachPeer(other.instanceId);
    const mineBefore = await kinds(mine.instanceId);
    for (const body of [{ phase: 'installing' }, { phase: 'wants_cert', csr_pem: (await daemonKeyAndCsr()).csrPem }, { phase: 'stopped' }, { phase: 'failed', error: 'x' }]) {
      await expectRefused(() => handshake(other, body), 403, 'PermissionDenied');
    }
    // The body names no instance; extra fields are not read as one.
    await expectRefused(() => handshake(other, { phase: 'installing', instance_id: mine.instanceId, host_id: mine.hostId }), 403, 'PermissionDenied');
    expect(await kinds(other.instanceId)).toEqual([]);
    expect(await kinds(mine.instanceId)).toEqual(mineBefore);
  });

  it('answers 409 naming system_sdwan_attach_peer when the instance has no overlay address', async () => {
    const agent = await dockerAgent();
    await sut.sdwan.call(sdwanActions.systemSdwanDetachPeer, { network_id: sut.networkId, node_instance_id: agent.instanceId });
    const res = await expectRefused(async () => handshake(agent, { phase: 'wants_cert', csr_pem: (await daemonKeyAndCsr()).csrPem }), 409, 'IllegalState');
    expect(res.body.message).toContain('system_sdwan_attach_peer');
  });

  it('refuses ready while the platform cannot reach the daemon: 409 DaemonUnreachable, one failed event, nothing provisioned', async () => {
    const agent = await dockerAgent();
    const walked = await walkToConfig(agent);
    // The overlay is up, dockerd is not listening on it (yet).
    const removeAddress = await addOverlayAddress(agent.overlay);
    try {
      for (let i = 0; i < 2; i += 1) {
        const res = await handshake(agent, { phase: 'ready', version: '25.0.3' });
        expect(res).toMatchObject({ status: 409, body: { code: 'DaemonUnreachable', details: { reason: expect.stringContaining('ECONNREFUSED') } } });
        expect(res.body.message).toContain(`[${agent.overlay}]:2376`);
      }
    } finally {
      await removeAddress();
    }
    const events = await hostEvents(agent.instanceId);
    expect(events.map((e) => e.kind)).not.toContain('system.docker.provisioned');
    expect(events.filter((e) => e.kind === 'system.docker.handshake.failed').map((e) => e.data)).toEqual([
      expect.objectContaining({ phase: 'ready', code: 'DaemonUnreachable', retrying: true }),
    ]);
    await eventually(async () => expect(await hostOf(agent.instanceId)).toMatchObject({ status: 'pending', last_error: { phase: 'ready', code: 'DaemonUnreachable' } }));

    // The daemon comes up: the next ready completes, and the error is gone.
    await startDaemon(agent, walked);
    expect(await handshake(agent, { phase: 'ready', version: '25.0.3' })).toMatchObject({ status: 200, body: { status: 'connected' } });
    await eventually(async () => expect((await hostOf(agent.instanceId)).last_error).toBeUndefined());
  });

  it('assigns docker to instances provisioned later from the template, and unassigns it: the desired state loses it, the agent reports stopped', async () => {
    const agent = await dockerAgent();
    const { instance } = await sut.catalog.call(catalogActions.systemProvisionInstance, { template_id: agent.templateId });
    await eventually(async () => expect(await kinds(instance.id)).toEqual(['system.docker.module.assigned']));

    const held = (await heartbeat(agent)).body.desired;
    expect(held.modules.map((m: { name: string }) => m.name)).toContain('docker-engine');
    await sut.catalog.call(catalogActions.systemUnassignModuleFromTemplate, { template_id: agent.templateId, module_name: 'docker-engine' });
    await eventually(async () => expect((await kinds(agent.instanceId)).at(-1)).toBe('system.docker.module.unassigned'));
    await eventually(async () => expect((await kinds(instance.id)).at(-1)).toBe('system.docker.module.unassigned'));
    expect((await hostEvents(agent.instanceId)).at(-1)!.data).toMatchObject({ via: 'template', instance_id: agent.instanceId });
    const after = (await heartbeat(agent, { desired_version: held.version })).body;
    expect(after.changed).toBe(true);
    expect(after.desired.modules.map((m: { name: string }) => m.name)).not.toContain('docker-engine');

    await expectRefused(() => handshake(agent, { phase: 'installing' }), 403, 'PermissionDenied');
    expect(await handshake(agent, { phase: 'stopped' })).toMatchObject({ status: 200, body: { status: 'disconnected', next: 'done' } });
    await eventually(async () => expect(await hostOf(agent.instanceId)).toMatchObject({ assigned: false, status: 'disconnected', phase: 'stopped' }));
  });

  it('system_provision_docker_runtime assigns docker to one instance directly, once; MissingSdwanPeerError without a peer', async () => {
    const agent = await sut.enrolAgent();
    const before = await lastSeq();
    await expect(sut.handshake.call(handshakeActions.systemProvisionDockerRuntime, { node_instance_id: agent.instanceId })).rejects.toMatchObject({
      code: 'MissingSdwanPeerError',
      message: expect.stringContaining('system_sdwan_attach_peer'),
    });
    expect(await lastSeq()).toBe(before);

    await sut.attachPeer(agent.instanceId);
    const held = (await heartbeat(agent)).body.desired;
    expect(held.modules).toEqual([]);
    const woken = heartbeat(agent, { desired_version: held.version, wait_s: 5 });
    const { host } = await sut.handshake.call(handshakeActions.systemProvisionDockerRuntime, { node_instance_id: agent.instanceId }, { caller: 'alice' });
    expect(host).toMatchObject({ id: dockerHostIdOf(agent.instanceId), node_instance_id: agent.instanceId, status: 'pending', phase: 'assigned', assigned: true });
    const answer = await woken;
    expect(answer.body).toMatchObject({ changed: true, desired: { modules: [{ name: 'docker-engine', runtime: 'docker', config: expect.objectContaining({ package: 'docker.io' }) }] } });
    const [assigned] = await hostEvents(agent.instanceId);
    expect(assigned).toMatchObject({ actor: 'operator:alice', data: { via: 'instance', module_name: 'docker-engine', module_version: '1.0.0' } });

    const again = await lastSeq();
    await sut.handshake.call(handshakeActions.systemProvisionDockerRuntime, { node_instance_id: agent.instanceId });
    expect(await lastSeq()).toBe(again);
    expect(await handshake(agent, { phase: 'installing' })).toMatchObject({ status: 200, body: { next: 'wants_cert' } });

    await expect(sut.handshake.call(handshakeActions.systemProvisionDockerRuntime, { node_instance_id: 'inst-00000000' })).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('decommissions the runtime with its instance and revokes its daemon certificate; its agent then gets 410', async () => {
    const agent = await dockerAgent();
    const { certificate } = await walkToConfig(agent);
    const revoked = async () =>
      (await sut.ca.call(caActions.caListCertificates, { profile: 'docker-daemon-server', limit: 1000 })).certificates.find((c: { serial: string }) => c.serial === certificate.serial)?.revoked;
    expect(await revoked()).toBe(false);
    await sut.catalog.call(catalogActions.systemDecommissionInstance, { id: agent.instanceId });
    await eventually(async () => expect((await kinds(agent.instanceId)).at(-1)).toBe('system.docker.runtime.decommissioned'));
    expect((await handshake(agent, { phase: 'installing' })).status).toBe(410);
    await eventually(async () => expect(await hostOf(agent.instanceId)).toMatchObject({ assigned: false, phase: 'decommissioned' }));
    await eventually(async () => expect(await revoked()).toBe(true));
  });

  // Last in the file: it stops the CA and starts another one on the same data.
  it('keeps the host at wants_cert while the CA is down (503 CaUnavailable, one failed event), and completes once it is back', async () => {
    const agent = await dockerAgent();
    expect((await handshake(agent, { phase: 'installing' })).status).toBe(200);
    const { csrPem } = await daemonKeyAndCsr();
    await sut.ca.destroy({ keepData: true });
    for (let i = 0; i < 3; i += 1) expect(await handshake(agent, { phase: 'wants_cert', csr_pem: csrPem })).toMatchObject({ status: 503, body: { code: 'CaUnavailable' } });
    const events = await hostEvents(agent.instanceId);
    expect(events.map((e) => e.kind)).toEqual(['system.docker.module.assigned', 'system.docker.runtime.installing', 'system.docker.handshake.wants_cert', 'system.docker.handshake.failed']);
    expect(events.at(-1)!.data).toMatchObject({ phase: 'wants_cert', code: 'CaUnavailable', retrying: true });
    await eventually(async () => expect(await hostOf(agent.instanceId)).toMatchObject({ status: 'pending', phase: 'wants_cert', last_error: { code: 'CaUnavailable', phase: 'wants_cert' } }));

    restartedCa = await startTestCa(sut.ca.platform);
    expect((await restartedCa.call(caActions.caGetChain, {})).chain_pem.at(-1)).toBe(sut.root);
    const done = await handshake(agent, { phase: 'wants_cert', csr_pem: csrPem });
    expect(done).toMatchObject({ status: 200, body: { next: 'wants_config', certificate: { serial: expect.any(String) } } });
    expect((await kinds(agent.instanceId)).at(-1)).toBe('system.docker.handshake.cert_signed');
    await eventually(async () => expect((await hostOf(agent.instanceId)).last_error).toBeUndefined());
  });
});
