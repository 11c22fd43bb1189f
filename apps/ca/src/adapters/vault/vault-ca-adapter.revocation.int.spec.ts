import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { X509Certificate } from 'node:crypto';
import { VaultCaAdapter } from './vault-ca-adapter.js';
import type { VaultCaConfig } from './vault-config.js';
import { FakeVaultServer } from './testing/fake-vault-server.js';
import { createTestCsr } from './testing/test-csr.js';
import { signRequest } from './testing/sign-request.js';

describe(`${VaultCaAdapter.name} revocation, chain and preflight`, () => {
  let vault: FakeVaultServer;

  beforeAll(async () => {
    vault = await FakeVaultServer.start({ rootToken: 'root-token' });
  });
  afterAll(() => vault.close());
  beforeEach(() => vault.reset());

  const adapter = (extra: Partial<VaultCaConfig> = {}) =>
    new VaultCaAdapter({ address: vault.address, auth: { token: 'root-token' }, backoffMs: 1, ...extra });

  it("revokes by Vault's colon serial form and the CRL then lists the serial", async () => {
    const sut = adapter();
    const { csrPem } = await createTestCsr();
    const signed = await sut.sign(signRequest(csrPem));

    await sut.revoke(signed.serial, 'decommissioned');

    const [sent] = vault.requestsTo('pki_int/revoke');
    expect(sent!.headers['x-vault-token']).toBe('root-token');
    expect(sent!.body).toEqual({ serial_number: signed.serial.match(/../g)!.join(':') });
    const { pem, der } = await sut.crl();
    expect(pem).toMatch(/^-----BEGIN X509 CRL-----\n[\s\S]+-----END X509 CRL-----\n$/);
    expect(new x509.X509Crl(pem).entries.map((entry) => entry.serialNumber)).toContain(signed.serial);
    expect(new x509.X509Crl(der).entries.map((entry) => entry.serialNumber)).toContain(signed.serial);
  });

  it('treats revoking an already revoked serial as success', async () => {
    const sut = adapter();
    const { csrPem } = await createTestCsr();
    const signed = await sut.sign(signRequest(csrPem));
    await sut.revoke(signed.serial, 'first');

    await expect(sut.revoke(signed.serial, 'again')).resolves.toBeUndefined();
  });

  it('maps an unknown serial to NotFound', async () => {
    await expect(adapter().revoke('7f00aa', 'typo')).rejects.toMatchObject({ code: 'NotFound', details: { serial: '7f00aa' } });
    expect(vault.requestsTo('pki_int/revoke')[0]!.body).toEqual({ serial_number: '7f:00:aa' });
  });

  it('splits the ca_chain bundle into [intermediate, root] without sending a token', async () => {
    const chain = await adapter().caChain();

    expect(chain).toEqual([vault.pki.intermediatePem.trim() + '\n', vault.pki.rootPem.trim() + '\n']);
    expect(new X509Certificate(chain[0]!).checkIssued(new X509Certificate(chain[1]!))).toBe(true);
    expect(vault.requestsTo('pki_int/ca_chain')[0]!.headers['x-vault-token']).toBeUndefined();
  });

  it('preflight: a sign-capable token, a verifying chain and the days the intermediate has left', async () => {
    const result = await adapter().preflight();

    expect(result).toEqual({ canSign: true, chainValid: true, intermediateDaysLeft: 364 });
    expect(vault.requestsTo('sys/capabilities-self')[0]!.body).toEqual({ paths: ['pki_int/sign/node'] });
  });

  it('preflight: a token without sign capability cannot sign', async () => {
    const result = await adapter({ role: 'no-such-role' }).preflight();

    expect(result).toMatchObject({ canSign: false, chainValid: true, error: expect.stringContaining('may not sign') });
  });

  it('preflight on a dead Vault reports canSign:false instead of throwing', async () => {
    const dead = await FakeVaultServer.start({ rootToken: 'root-token' });
    const address = dead.address;
    await dead.close();

    const result = await new VaultCaAdapter({ address, auth: { token: 'root-token' }, retries: 0 }).preflight();

    expect(result.canSign).toBe(false);
    expect(result.chainValid).toBe(false);
    expect(result.error).toContain('Vault unreachable');
  });
});
