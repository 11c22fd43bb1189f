import { PlatformError } from '@powernode/contracts';
import { VaultCaAdapter } from './vault-ca-adapter.js';
import type { VaultCaConfig } from './vault-config.js';
import { FakeVaultServer } from './testing/fake-vault-server.js';
import { createTestCsr } from './testing/test-csr.js';
import { signRequest } from './testing/sign-request.js';
import { eventually } from '@powernode/testing';

describe(`${VaultCaAdapter.name} AppRole auth`, () => {
  const appRole = { roleId: 'role-123', secretId: 'secret-456' };
  let vault: FakeVaultServer;
  let csrPem: string;

  beforeAll(async () => {
    vault = await FakeVaultServer.start({ appRole });
    ({ csrPem } = await createTestCsr());
  });
  afterAll(() => vault.close());
  beforeEach(() => vault.reset());

  const adapter = (extra: Partial<VaultCaConfig> = {}) => new VaultCaAdapter({ address: vault.address, auth: appRole, backoffMs: 1, ...extra });
  const logins = () => vault.requestsTo('auth/approle/login');

  it('logs in with role_id/secret_id and signs with the client token', async () => {
    const sut = adapter();

    await sut.sign(signRequest(csrPem));
    await sut.sign(signRequest(csrPem));

    expect(logins()).toHaveLength(1);
    expect(logins()[0]!.body).toEqual({ role_id: 'role-123', secret_id: 'secret-456' });
    const signs = vault.requestsTo('pki_int/sign/node');
    expect(signs).toHaveLength(2);
    expect(signs[0]!.headers['x-vault-token']).toMatch(/^hvs\./);
  });

  it('logs in again once and retries when Vault answers 403 permission denied (token revoked)', async () => {
    const sut = adapter();
    await sut.sign(signRequest(csrPem));
    vault.expireTokens();

    await sut.sign(signRequest(csrPem));

    expect(logins()).toHaveLength(2);
    const [, denied, retried] = vault.requestsTo('pki_int/sign/node');
    expect(denied!.headers['x-vault-token']).not.toBe(retried!.headers['x-vault-token']);
  });

  it('recovers from a token that expired by time on the Vault side', async () => {
    vault.tokenTtlMs = 50; // Vault reports lease_duration 1s, but the token dies after 50ms: the adapter cannot know
    const sut = adapter();
    await sut.sign(signRequest(csrPem));
    const firstToken = vault.requestsTo('pki_int/sign/node')[0]!.headers['x-vault-token'];
    await eventually(async () => {
      const probe = await fetch(`${vault.address}/v1/pki_int/roles/node`, { headers: { 'X-Vault-Token': String(firstToken) } });
      expect(probe.status).toBe(403);
    });
    vault.tokenTtlMs = 60_000;

    await sut.sign(signRequest(csrPem));

    expect(logins()).toHaveLength(2);
  });

  it('gives up after one re-login when the new token is denied too', async () => {
    const sut = adapter();
    await sut.sign(signRequest(csrPem));
    vault.fail(403, ['permission denied'], { times: 2, path: /sign/ });

    await expect(sut.sign(signRequest(csrPem))).rejects.toMatchObject({ code: 'CaRejected', message: expect.stringContaining('Vault token rejected') });
    expect(logins()).toHaveLength(2);
  });

  it('renews with renew-self once 2/3 of the lease has passed', async () => {
    let now = 1_000_000;
    const sut = adapter({ now: () => now });
    await sut.sign(signRequest(csrPem)); // lease 60s
    now += 39_000;
    await sut.sign(signRequest(csrPem));
    expect(vault.requestsTo('auth/token/renew-self')).toHaveLength(0);

    now += 2_000; // 41s > 40s
    await sut.sign(signRequest(csrPem));

    const [renewal] = vault.requestsTo('auth/token/renew-self');
    expect(renewal).toBeDefined();
    const signs = vault.requestsTo('pki_int/sign/node');
    expect(renewal!.headers['x-vault-token']).toBe(signs[0]!.headers['x-vault-token']);
    expect(logins()).toHaveLength(1);
  });

  it('logs in again instead of renewing once the lease has fully passed', async () => {
    let now = 1_000_000;
    const sut = adapter({ now: () => now });
    await sut.sign(signRequest(csrPem));
    now += 61_000;

    await sut.sign(signRequest(csrPem));

    expect(vault.requestsTo('auth/token/renew-self')).toHaveLength(0);
    expect(logins()).toHaveLength(2);
  });

  it('shares one login between concurrent calls', async () => {
    const sut = adapter();

    await Promise.all([sut.sign(signRequest(csrPem)), sut.sign(signRequest(csrPem)), sut.sign(signRequest(csrPem))]);

    expect(logins()).toHaveLength(1);
  });

  it('reports wrong AppRole credentials as CaRejected naming the login', async () => {
    const sut = adapter({ auth: { roleId: 'role-123', secretId: 'wrong' } });

    const error = await sut.sign(signRequest(csrPem)).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ code: 'CaRejected', message: expect.stringContaining('AppRole login failed') });
    expect((error as PlatformError).message).toContain('invalid role or secret ID');
  });
});
