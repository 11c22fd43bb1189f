// Heartbeats over mTLS: desired state, long-poll wake-ups, impersonation, liveness.
import { catalogActions } from '@powernode/contracts';
import { createRootCa, exportPrivateKeyPem, generateKeyPair, issueCertificate } from '@powernode/pki';
import { eventually } from '@powernode/testing';
import { X509Certificate } from 'node:crypto';
import { agentKeyAndCsr, agentRequest, testFacts } from '../../apps/handshake/src/testing/agent-client.js';
import { startHandshakePlatform, type EnrolledAgent, type HandshakePlatform } from './support/handshake-platform.js';

describe('handshake heartbeat', () => {
  let sut: HandshakePlatform;

  beforeAll(async () => {
    sut = await startHandshakePlatform({ HEARTBEAT_INTERVAL_S: '1' });
  });
  afterAll(() => sut?.destroy());

  const beat = (agent: EnrolledAgent, body: Record<string, unknown> = {}, tls: object = agent.tls) =>
    agentRequest(sut.handshake.url, '/agent/heartbeat', tls as EnrolledAgent['tls'], { instance_id: agent.instanceId, wait_s: 0, facts: testFacts, ...body });
  const statusOf = async (id: string) => (await sut.catalog.call(catalogActions.systemGetInstance, { id })).instance.status;

  it('returns the desired state to the agent holding the instance’s certificate', async () => {
    const agent = await sut.enrolAgent();
    const res = await beat(agent);
    expect(res).toMatchObject({ status: 200, body: { changed: true, heartbeat_interval_s: 1, desired: { instance_id: agent.instanceId, modules: [] } } });
    expect(res.body.desired.version).toMatch(/^[0-9a-f]{32}$/);
    expect(await beat(agent, { desired_version: res.body.desired.version })).toMatchObject({ status: 200, body: { changed: false } });
  });

  it('wakes a held long-poll when a module is assigned to the instance’s template', async () => {
    const agent = await sut.enrolAgent();
    // The peer first: it is part of the desired state (its SDWAN interface).
    await sut.attachPeer(agent.instanceId);
    const { version } = (await beat(agent)).body.desired;
    const held = beat(agent, { desired_version: version, wait_s: 20 });
    await sut.catalog.call(catalogActions.systemAssignModuleToTemplate, { template_id: agent.templateId, module_name: 'docker-engine' });
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('long-poll not woken within 5 s')), 5_000).unref());
    const res = await Promise.race([held, timeout]);
    expect(res).toMatchObject({ status: 200, body: { changed: true, desired: { modules: [{ name: 'docker-engine', runtime: 'docker', config: expect.any(Object) }] } } });
    expect(res.body.desired.version).not.toBe(version);
  });

  it('answers a heartbeat holding the current state from the state it read, and never misses a change made since', async () => {
    const agent = await sut.enrolAgent();
    await sut.attachPeer(agent.instanceId);
    // Past the window in which a read may have raced the attachment, the state read is kept for the next heartbeats.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    const { version } = (await beat(agent)).body.desired;
    expect(await beat(agent, { desired_version: version })).toMatchObject({ status: 200, body: { changed: false, desired: { version } } });
    await sut.catalog.call(catalogActions.systemAssignModuleToTemplate, { template_id: agent.templateId, module_name: 'docker-engine' });
    // The assignment's event drops the kept state: the same heartbeat now gets the new one.
    await eventually(async () => {
      const res = await beat(agent, { desired_version: version });
      expect(res).toMatchObject({ status: 200, body: { changed: true, desired: { modules: [{ name: 'docker-engine' }] } } });
    });
  });

  it('renews the agent identity over mTLS: the instance comes from the certificate, not the CSR, and the new cert works', async () => {
    const agent = await sut.enrolAgent();
    const { keyPem, csrPem } = await agentKeyAndCsr('someone-else');
    const renewed = await agentRequest(sut.handshake.url, '/agent/renew', agent.tls, { csr_pem: csrPem });
    expect(renewed.status).toBe(200);
    const cert = new X509Certificate(renewed.body.certificate_pem);
    expect(cert.subject).toBe(`CN=${agent.instanceId}`);
    const tls = { ca: agent.tls.ca, cert: renewed.body.certificate_pem + renewed.body.chain_pem[0], key: keyPem };
    expect(await beat(agent, {}, tls)).toMatchObject({ status: 200 });
    expect((await agentRequest(sut.handshake.url, '/agent/renew', { ca: agent.tls.ca }, { csr_pem: csrPem })).status).toBe(401);
  });

  it('answers 403 when the body names another instance than the certificate', async () => {
    const [a, b] = [await sut.enrolAgent(), await sut.enrolAgent()];
    expect(await beat(a, { instance_id: b.instanceId })).toMatchObject({ status: 403, body: { code: 'PermissionDenied' } });
  });

  it('answers 400 for malformed facts', async () => {
    const agent = await sut.enrolAgent();
    expect(await beat(agent, { facts: { os: 'linux' } })).toMatchObject({ status: 400, body: { code: 'InvalidInput' } });
  });

  it('answers 401 without a client certificate or with one from another CA', async () => {
    const agent = await sut.enrolAgent();
    expect(await beat(agent, {}, { ca: agent.tls.ca })).toMatchObject({ status: 401, body: { code: 'Unauthenticated' } });
    const now = new Date();
    const rogueKeys = await generateKeyPair();
    const rogue = await createRootCa({ commonName: 'Rogue', keys: rogueKeys, notBefore: now, notAfter: new Date(now.getTime() + 3600_000) });
    const clientKeys = await generateKeyPair();
    const leaf = await issueCertificate({
      issuer: { certificatePem: rogue.certificatePem, privateKey: rogueKeys.privateKey },
      subjectPublicKey: clientKeys.publicKey,
      commonName: agent.instanceId,
      dnsNames: [],
      ipAddresses: [],
      extendedKeyUsages: ['clientAuth'],
      notBefore: now,
      notAfter: new Date(now.getTime() + 3600_000),
    });
    const forged = { ca: agent.tls.ca, cert: leaf.certificatePem, key: await exportPrivateKeyPem(clientKeys.privateKey) };
    const res = await beat(agent, {}, forged).catch((error: Error) => ({ status: 0, body: { code: error.message } }));
    expect([0, 401]).toContain(res.status);
    expect(res.status === 0 || res.body.code === 'Unauthenticated').toBe(true);
  });

  it('marks the instance online at the first heartbeat and offline after heartbeats stop', async () => {
    const agent = await sut.enrolAgent();
    expect(await statusOf(agent.instanceId)).toBe('running');
    expect((await beat(agent)).status).toBe(200);
    await eventually(async () => expect(await statusOf(agent.instanceId)).toBe('online'), { timeoutMs: 5_000 });
    await eventually(async () => expect(await statusOf(agent.instanceId)).toBe('offline'), { timeoutMs: 10_000, intervalMs: 200 });
    expect((await beat(agent)).status).toBe(200);
    await eventually(async () => expect(await statusOf(agent.instanceId)).toBe('online'), { timeoutMs: 5_000 });
  });

  it('answers 410 InstanceDecommissioned once the instance is decommissioned', async () => {
    const agent = await sut.enrolAgent();
    await sut.catalog.call(catalogActions.systemDecommissionInstance, { id: agent.instanceId });
    await eventually(async () => expect(await beat(agent)).toMatchObject({ status: 410, body: { code: 'InstanceDecommissioned' } }), { timeoutMs: 5_000 });
  });
});
