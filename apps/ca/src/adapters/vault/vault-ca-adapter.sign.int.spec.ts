import { X509Certificate, createHash } from 'node:crypto';
import { PlatformError } from '@powernode/contracts';
import { VaultCaAdapter } from './vault-ca-adapter.js';
import { FakeVaultServer } from './testing/fake-vault-server.js';
import { EKU } from './testing/fake-vault-pki.js';
import { createTestCsr } from './testing/test-csr.js';
import { signRequest } from './testing/sign-request.js';

describe(`${VaultCaAdapter.name} sign`, () => {
  let vault: FakeVaultServer;

  beforeAll(async () => {
    vault = await FakeVaultServer.start({
      rootToken: 'root-token',
      roles: { node: { extendedKeyUsages: [EKU.serverAuth, EKU.clientAuth] }, 'node-server': { extendedKeyUsages: [EKU.serverAuth] } },
    });
  });
  afterAll(() => vault.close());
  beforeEach(() => vault.reset());

  const adapter = (extra: Partial<ConstructorParameters<typeof VaultCaAdapter>[0]> = {}) =>
    new VaultCaAdapter({ address: vault.address, auth: { token: 'root-token' }, backoffMs: 1, ...extra });

  it('sends the platform-decided names and returns the issued certificate, its serial and the chain', async () => {
    const sut = adapter({ namespace: 'team-a' });
    const { csrPem, spkiDer } = await createTestCsr('whatever-the-node-asked', ['evil.example']);

    const signed = await sut.sign(signRequest(csrPem, { ttlSeconds: 7200 }));

    const [sent] = vault.requestsTo('pki_int/sign/node');
    expect(sent!.method).toBe('POST');
    expect(sent!.headers['x-vault-token']).toBe('root-token');
    expect(sent!.headers['x-vault-namespace']).toBe('team-a');
    expect(sent!.body).toEqual({
      csr: csrPem,
      common_name: 'node-1.hosts.powernode.internal',
      alt_names: 'node-1.hosts.powernode.internal',
      ip_sans: 'fd12:3456:789a:1::5',
      ttl: '7200s',
      format: 'pem',
      exclude_cn_from_sans: true,
    });

    const cert = new X509Certificate(signed.certificatePem);
    expect(signed.serial).toMatch(/^[0-9a-f]+$/);
    expect(signed.serial).not.toMatch(/^00/);
    expect(signed.serial).toBe(cert.serialNumber.toLowerCase().replace(/^(00)+/, ''));
    expect(signed.fingerprintSha256).toBe(createHash('sha256').update(cert.raw).digest('hex'));
    expect(signed.notAfter.getTime()).toBe(new Date(cert.validTo).getTime());
    expect(signed.notBefore.getTime()).toBe(new Date(cert.validFrom).getTime());
    expect(cert.publicKey.export({ type: 'spki', format: 'der' }).equals(spkiDer)).toBe(true);
    expect(cert.subjectAltName).not.toContain('evil.example');
    expect(signed.chainPem).toHaveLength(2);
    expect(cert.checkIssued(new X509Certificate(signed.chainPem[0]!))).toBe(true);
    expect(new X509Certificate(signed.chainPem[1]!).subject).toBe('CN=Fake Vault Root');
  });

  it('falls back to [issuing_ca] when Vault sends no ca_chain', async () => {
    vault.omitCaChain = true;
    const { csrPem } = await createTestCsr();

    const signed = await adapter().sign(signRequest(csrPem));

    expect(signed.chainPem).toEqual([vault.pki.intermediatePem.trim() + '\n']);
  });

  it('rejects a certificate a misbehaving role widened with an extra SAN', async () => {
    vault.extraDnsSan = 'extra.example';
    const { csrPem } = await createTestCsr();

    const error = await adapter()
      .sign(signRequest(csrPem))
      .then(() => undefined, (e: unknown) => e);

    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).code).toBe('CaRejected');
    expect((error as PlatformError).message).toContain('extra.example');
    expect(vault.requestsTo('pki_int/sign/node')).toHaveLength(1);
  });

  it('rejects a certificate whose extended key usages are wider than requested', async () => {
    const { csrPem } = await createTestCsr();

    await expect(adapter().sign(signRequest(csrPem, { extendedKeyUsages: ['serverAuth'] }))).rejects.toMatchObject({
      code: 'CaRejected',
      message: expect.stringContaining('extended key usages'),
    });
  });

  it('signs a profile under its own role when profileRoles maps it', async () => {
    const sut = adapter({ profileRoles: { 'daemon-server': 'node-server' } });
    const { csrPem } = await createTestCsr();

    const signed = await sut.sign(signRequest(csrPem, { profile: 'daemon-server', extendedKeyUsages: ['serverAuth'] }));

    expect(vault.requestsTo('pki_int/sign/node-server')).toHaveLength(1);
    expect(new X509Certificate(signed.certificatePem).keyUsage).toEqual([EKU.serverAuth]);
  });

  it('sends empty SAN lists as empty strings and accepts a certificate without SANs', async () => {
    const { csrPem } = await createTestCsr();

    await adapter().sign(signRequest(csrPem, { names: { commonName: 'operator-alice', dnsSans: [], ipSans: [] }, extendedKeyUsages: ['serverAuth', 'clientAuth'] }));

    const [sent] = vault.requestsTo('pki_int/sign/node');
    expect(sent!.body).toMatchObject({ common_name: 'operator-alice', alt_names: '', ip_sans: '' });
  });
});
