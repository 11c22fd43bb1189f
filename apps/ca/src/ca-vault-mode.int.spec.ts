import { X509Certificate } from 'node:crypto';
import { caActions } from '@powernode/contracts';
import { buildCsr, generateKeyPair } from '@powernode/pki';
import { EKU } from './adapters/vault/testing/fake-vault-pki.js';
import { FakeVaultServer } from './adapters/vault/testing/fake-vault-server.js';
import { startTestCa, type TestCa } from './testing/test-ca.js';

// The CA service with POWERNODE_CA_MODE=vault, against the Vault-shaped test server (Vault cannot run here).
describe('CA service in vault mode', () => {
  let vault: FakeVaultServer;
  let sut: TestCa;

  beforeAll(async () => {
    // One role per EKU set, as a real Vault needs: each role fixes the usages it issues.
    vault = await FakeVaultServer.start({
      rootToken: 'root-token',
      roles: { server: { extendedKeyUsages: [EKU.serverAuth] }, client: { extendedKeyUsages: [EKU.clientAuth] } },
    });
    sut = await startTestCa(undefined, {
      POWERNODE_CA_MODE: 'vault',
      VAULT_ADDR: vault.address,
      VAULT_TOKEN: 'root-token',
      VAULT_PKI_ROLE: 'client',
      VAULT_PKI_PROFILE_ROLES: 'docker-daemon-server=server,platform-server=server',
    });
  });
  afterAll(async () => {
    await sut?.destroy();
    await vault?.close();
  });

  it('reports VaultCaAdapter with a passing preflight', async () => {
    expect(await sut.call(caActions.caStatus, {})).toMatchObject({ ca_adapter: 'VaultCaAdapter', can_sign: true, chain_valid: true });
  });

  it('signs through Vault with the names the platform decided, and records the issuance', async () => {
    const csr = await buildCsr({ keys: await generateKeyPair(), commonName: 'asks-for-this', dnsNames: ['evil.example'] });
    const signed = await sut.call(caActions.caSign, {
      profile: 'docker-daemon-server',
      csr_pem: csr,
      subject: { instance_id: 'inst-3', overlay_address: 'fd00::3', host_name: 'inst-3.nodes.powernode' },
    });
    const sent = vault.requestsTo('pki_int/sign/server').at(-1)!;
    expect(sent.body).toMatchObject({ common_name: 'docker-daemon-inst-3', alt_names: 'inst-3.nodes.powernode', ip_sans: 'fd00::3' });
    expect(new X509Certificate(signed.cert_pem).subjectAltName).not.toContain('evil.example');
    const { events } = await sut.runtime.store.load({ context: 'ca', aggregate: 'certificate', id: signed.serial });
    expect(events[0]!.data).toMatchObject({ ca_adapter: 'VaultCaAdapter', profile: 'docker-daemon-server' });
  });

  it('maps a sealed Vault to CaUnavailable and appends nothing', async () => {
    vault.fail(503, ['Vault is sealed'], { times: 10 });
    const csr = await buildCsr({ keys: await generateKeyPair(), commonName: 'x' });
    await expect(sut.call(caActions.caSign, { profile: 'agent-identity', csr_pem: csr, subject: { instance_id: 'sealed' } })).rejects.toMatchObject({
      code: 'CaUnavailable',
    });
    vault.reset();
    const listed = await sut.call(caActions.caListCertificates, { subject: 'sealed' }, { caller: 'admin' });
    expect(listed.certificates).toEqual([]);
  });
});
