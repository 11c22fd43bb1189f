// Enrolment through the handshake with the real CA and catalog: bootstrap tokens and their failure paths.
import { catalogActions } from '@powernode/contracts';
import { certificateInfo } from '@powernode/pki';
import { eventually } from '@powernode/testing';
import { agentKeyAndCsr, agentRequest, testFacts } from '../../apps/handshake/src/testing/agent-client.js';
import { BootstrapTokens } from '../../apps/handshake/src/tokens/bootstrap-tokens.js';
import { startHandshakePlatform, type HandshakePlatform } from './support/handshake-platform.js';

describe('handshake enrolment', () => {
  let sut: HandshakePlatform;

  beforeAll(async () => {
    sut = await startHandshakePlatform();
  });
  afterAll(() => sut?.destroy());

  const enroll = async (token: string) => {
    const { csrPem } = await agentKeyAndCsr();
    return agentRequest(sut.handshake.url, '/agent/enroll', { ca: [sut.root] }, { bootstrap_token: token, csr_pem: csrPem, facts: testFacts });
  };

  /** Enrolling with `token` fails with 401 InvalidBootstrapToken and appends nothing. */
  const expectRefused = async (token: string) => {
    const before = await sut.catalog.streamMessages();
    expect(await enroll(token)).toMatchObject({ status: 401, body: { code: 'InvalidBootstrapToken' } });
    expect(await sut.catalog.streamMessages()).toBe(before);
  };

  it('serves the CA chain without a client certificate, root last', async () => {
    const res = await agentRequest(sut.handshake.url, '/agent/ca.pem', { ca: [sut.root] });
    expect(res.status).toBe(200);
    expect(res.body).toContain(sut.root.trim());
  });

  it('enrols with a fresh token: an agent-identity cert for the token’s instance, and `enrolled` in the catalog', async () => {
    const { instanceId } = await sut.provision();
    const { token, expires_at } = await sut.handshake.issueToken(instanceId);
    expect(token).toMatch(/^pnb1\.[0-9a-f]{64}\.[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(expires_at)).toBeGreaterThan(Date.now() + 3500_000);
    const res = await enroll(token);
    expect(res).toMatchObject({ status: 200, body: { instance_id: instanceId, heartbeat_interval_s: 10 } });
    const cert = certificateInfo(res.body.certificate_pem);
    expect(cert).toMatchObject({ subjectCn: instanceId, extendedKeyUsages: ['clientAuth'] });
    const { instance } = await sut.catalog.call(catalogActions.systemGetInstance, { id: instanceId });
    expect(instance).toMatchObject({ status: 'running', enrolled_at: expect.any(String) });
    const { events } = await sut.catalog.runtime.store.load({ context: 'catalog', aggregate: 'instance', id: instanceId });
    expect(events[1]).toMatchObject({ kind: 'system.catalog.instance.enrolled', actor: 'service:handshake', data: { certificate_serial: cert.serial, agent_version: '0.1.0' } });
  });

  it('refuses a used token', async () => {
    const { instanceId } = await sut.provision();
    const { token } = await sut.handshake.issueToken(instanceId);
    expect((await enroll(token)).status).toBe(200);
    await expectRefused(token);
  });

  it('answers a retry with the same token and key (the first answer was lost) and refuses any other key', async () => {
    const { instanceId } = await sut.provision();
    const { token } = await sut.handshake.issueToken(instanceId);
    const { csrPem } = await agentKeyAndCsr();
    const request = { bootstrap_token: token, csr_pem: csrPem, facts: testFacts };
    const first = await agentRequest(sut.handshake.url, '/agent/enroll', { ca: [sut.root] }, request);
    const retry = await agentRequest(sut.handshake.url, '/agent/enroll', { ca: [sut.root] }, request);
    expect(first).toMatchObject({ status: 200, body: { instance_id: instanceId } });
    expect(retry).toMatchObject({ status: 200, body: { instance_id: instanceId } });
    // Both certify the agent's one key; the platform knows the later one.
    expect(certificateInfo(retry.body.certificate_pem).subjectCn).toBe(instanceId);
    await expectRefused(token); // a fresh key with the redeemed token
  });

  it('refuses an older token once a new one was issued for the instance', async () => {
    const { instanceId } = await sut.provision();
    const old = (await sut.handshake.issueToken(instanceId)).token;
    const fresh = (await sut.handshake.issueToken(instanceId)).token;
    await expectRefused(old);
    expect((await enroll(fresh)).status).toBe(200);
  });

  it('refuses an expired token', async () => {
    const { instanceId } = await sut.provision();
    const shortLived = new BootstrapTokens(sut.handshake.runtime.db, sut.handshake.config.DATABASE_SCHEMA, 1);
    const { token } = await shortLived.issue(instanceId, token0Fingerprint((await sut.handshake.issueToken(instanceId)).token));
    await eventually(() => expectRefused(token), { timeoutMs: 5_000, intervalMs: 250 });
  });

  it('refuses a forged token and a token pinning another CA', async () => {
    const { instanceId } = await sut.provision();
    const { token } = await sut.handshake.issueToken(instanceId);
    const [, fingerprint, secret] = token.split('.');
    await expectRefused(`pnb1.${fingerprint}.${'A'.repeat(43)}`);
    await expectRefused(`pnb1.${'0'.repeat(64)}.${secret}`);
    expect((await enroll(token)).status).toBe(200);
  });

  it('answers 400 for a malformed body and 404 for an unknown path', async () => {
    expect(await agentRequest(sut.handshake.url, '/agent/enroll', { ca: [sut.root] }, { bootstrap_token: 'nope' })).toMatchObject({ status: 400, body: { code: 'InvalidInput' } });
    expect(await agentRequest(sut.handshake.url, '/agent/nope', { ca: [sut.root] }, {})).toMatchObject({ status: 404, body: { code: 'NotFound' } });
    const huge = { bootstrap_token: 'x'.repeat(70 * 1024) };
    expect((await agentRequest(sut.handshake.url, '/agent/enroll', { ca: [sut.root] }, huge).catch(() => ({ status: 413 }))).status).toBe(413);
  });
});

function token0Fingerprint(token: string): string {
  return token.split('.')[1]!;
}
