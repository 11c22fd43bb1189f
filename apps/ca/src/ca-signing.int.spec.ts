import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { caActions } from '@powernode/contracts';
import { buildCsr, generateKeyPair } from '@powernode/pki';
import { connectTestNats } from '@powernode/testing';
import { openssl } from './testing/openssl.js';
import { startTestCa, type TestCa } from './testing/test-ca.js';

async function csr(commonName = 'ignored', options: { dnsNames?: string[]; ipAddresses?: string[]; algorithm?: 'Ed25519' | 'ECDSA-P256' } = {}) {
  const keys = await generateKeyPair(options.algorithm);
  return buildCsr({ keys, commonName, dnsNames: options.dnsNames ?? [], ipAddresses: options.ipAddresses ?? [] });
}

describe('CA signing', () => {
  let sut: TestCa;
  const daemonFacts = { instance_id: 'inst-7', overlay_address: 'fd00:abcd:1::42', host_name: 'inst-7.nodes.powernode' };

  beforeAll(async () => {
    sut = await startTestCa();
  });
  afterAll(() => sut?.destroy());

  async function streamMessages(): Promise<number> {
    const nc = await connectTestNats();
    try {
      return (await (await jetstreamManager(nc)).streams.info(sut.config.EVENT_STREAM)).state.messages;
    } finally {
      await nc.close();
    }
  }

  it('signs a docker-daemon-server cert whose names come from platform state, not the CSR', async () => {
    const request = await csr('evil.example', { dnsNames: ['evil.example'], ipAddresses: ['0.0.0.0'] });
    const signed = await sut.call(caActions.caSign, { profile: 'docker-daemon-server', csr_pem: request, subject: daemonFacts });
    const cert = new X509Certificate(signed.cert_pem);
    expect(cert.subject).toBe('CN=docker-daemon-inst-7');
    expect(cert.subjectAltName).toContain('DNS:inst-7.nodes.powernode');
    expect(cert.subjectAltName).toMatch(/IP Address:FD00:ABCD:1:0:0:0:0:42/i);
    expect(cert.subjectAltName).not.toMatch(/evil|0\.0\.0\.0/);
    expect(cert.serialNumber.toLowerCase().replace(/^(00)+/, '')).toBe(signed.serial);
    const [intermediate, root] = signed.chain_pem.map((p: string) => new X509Certificate(p));
    expect(cert.checkIssued(intermediate!)).toBe(true);
    expect(cert.verify(intermediate!.publicKey)).toBe(true);
    expect(intermediate!.verify(root!.publicKey)).toBe(true);
    const verified = await openssl((d) => ['verify', '-purpose', 'sslserver', '-CAfile', join(d, 'root.pem'), '-untrusted', join(d, 'int.pem'), join(d, 'leaf.pem')], {
      'root.pem': signed.chain_pem[1],
      'int.pem': signed.chain_pem[0],
      'leaf.pem': signed.cert_pem,
    });
    expect(verified.stdout).toMatch(/leaf\.pem: OK/);
  });

  it('records each issuance as system.ca.certificate.issued with the requester', async () => {
    const signed = await sut.call(caActions.caSign, { profile: 'agent-identity', csr_pem: await csr(), subject: { instance_id: 'inst-9' } });
    const { events } = await sut.runtime.store.load({ context: 'ca', aggregate: 'certificate', id: signed.serial });
    expect(events.map((e) => e.kind)).toEqual(['system.ca.certificate.issued']);
    expect(events[0]!.actor).toBe('service:test');
    expect(events[0]!.data).toMatchObject({ serial: signed.serial, profile: 'agent-identity', subject: 'inst-9', key_algorithm: 'Ed25519', requester: 'service:test', ca_adapter: 'LocalCaAdapter' });
    expect(events[0]!.data.fingerprint_sha256).toBe(new X509Certificate(signed.cert_pem).fingerprint256.replace(/:/g, '').toLowerCase());
  });

  it('accepts ECDSA P-256 CSRs for clients without Ed25519', async () => {
    const signed = await sut.call(caActions.caSign, { profile: 'docker-platform-client', csr_pem: await csr('x', { algorithm: 'ECDSA-P256' }), subject: {} });
    expect(new X509Certificate(signed.cert_pem).publicKey.asymmetricKeyType).toBe('ec');
  });

  it('answers ca_sign only for platform services', async () => {
    const input = { profile: 'agent-identity', csr_pem: await csr(), subject: { instance_id: 'x' } };
    await expect(sut.call(caActions.caSign, input, { serviceToken: null })).rejects.toMatchObject({ code: 'PermissionDenied' });
    await expect(sut.call(caActions.caSign, input, { serviceToken: 'x'.repeat(43) })).rejects.toMatchObject({ code: 'PermissionDenied' });
  });

  it('refuses bad input with typed errors and appends nothing', async () => {
    const before = await streamMessages();
    const sign = (csr_pem: string, extra: Record<string, unknown> = {}) =>
      sut.call(caActions.caSign, { profile: 'agent-identity', csr_pem, subject: { instance_id: 'x' }, ...extra });
    await expect(sign('-----BEGIN CERTIFICATE REQUEST-----\nnot base64!\n-----END CERTIFICATE REQUEST-----\n')).rejects.toMatchObject({ code: 'InvalidCsr' });
    const good = await csr();
    const lines = good.trim().split('\n');
    const body = lines.slice(1, -1).join('');
    const tampered = `${lines[0]}\n${body.slice(0, -8)}${body.slice(-8) === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA'}\n${lines.at(-1)}\n`;
    await expect(sign(tampered)).rejects.toMatchObject({ code: 'InvalidCsr' });
    const rsa = await openssl((d) => ['req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', join(d, 'k.pem'), '-subj', '/CN=rsa'], {});
    await expect(sign(rsa.stdout)).rejects.toMatchObject({ code: 'UnsupportedKey' });
    await expect(sign(`${good}${'#'.repeat(17 * 1024)}`)).rejects.toMatchObject({ code: 'PayloadTooLarge' });
    await expect(sign(good, { ttl_seconds: 31 * 86400 })).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(sign(good, { profile: 'root-ca' })).rejects.toMatchObject({ code: 'InvalidInput' });
    expect(await streamMessages()).toBe(before);
  });

  it('exports operator certs: a generated key returned once, or a signed CSR; at most 12 h', async () => {
    const generated = await sut.call(caActions.dockerExportOperatorCert, { ttl: '2h' }, { caller: 'alice' });
    const cert = new X509Certificate(generated.cert_pem);
    expect(cert.subject).toBe('CN=alice');
    expect(generated.key_pem).toMatch(/BEGIN PRIVATE KEY/);
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(generated.key_pem))).toBe(true);
    const lifetime = new Date(cert.validTo).getTime() - Date.now();
    expect(lifetime).toBeLessThanOrEqual(2 * 3600 * 1000 + 1000);
    expect(generated.ca_pem).toContain('BEGIN CERTIFICATE');
    // The file the Docker CLI presents: the leaf, then the intermediate that issued it (dockerd trusts only the root).
    const [, intermediate] = generated.cert_pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) as string[];
    expect(cert.checkIssued(new X509Certificate(intermediate!))).toBe(true);

    const withCsr = await sut.call(caActions.dockerExportOperatorCert, { csr_pem: await csr('someone-else') }, { caller: 'bob' });
    expect(new X509Certificate(withCsr.cert_pem).subject).toBe('CN=bob');
    expect(withCsr.key_pem).toBeUndefined();
    await expect(sut.call(caActions.dockerExportOperatorCert, { ttl: '13h' }, { caller: 'bob' })).rejects.toMatchObject({ code: 'InvalidInput' });
  });
});
