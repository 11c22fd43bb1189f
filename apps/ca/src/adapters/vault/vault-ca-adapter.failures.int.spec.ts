import { createServer } from 'node:net';
import { PlatformError } from '@powernode/contracts';
import { VaultCaAdapter } from './vault-ca-adapter.js';
import type { VaultCaConfig } from './vault-config.js';
import { FakeVaultServer } from './testing/fake-vault-server.js';
import { createTestCsr } from './testing/test-csr.js';
import { signRequest } from './testing/sign-request.js';

async function failureOf(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

/** A loopback port nobody listens on: bind, note the port, close. */
async function closedPortAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe(`${VaultCaAdapter.name} failures`, () => {
  let vault: FakeVaultServer;
  let csrPem: string;

  beforeAll(async () => {
    vault = await FakeVaultServer.start({ rootToken: 'root-token' });
    ({ csrPem } = await createTestCsr());
  });
  afterAll(() => vault.close());
  beforeEach(() => vault.reset());

  const adapter = (extra: Partial<VaultCaConfig> = {}) =>
    new VaultCaAdapter({ address: vault.address, auth: { token: 'root-token' }, backoffMs: 1, ...extra });

  it("maps a 400 to CaRejected carrying Vault's errors, without retrying", async () => {
    vault.fail(400, ['common name node-1.hosts.powernode.internal not allowed by this role']);

    const error = await failureOf(adapter().sign(signRequest(csrPem)));

    expect(error.code).toBe('CaRejected');
    expect(error.message).toContain('common name node-1.hosts.powernode.internal not allowed by this role');
    expect(error.details).toMatchObject({ status: 400, vault_errors: ['common name node-1.hosts.powernode.internal not allowed by this role'] });
    expect(vault.requestsTo('pki_int/sign/node')).toHaveLength(1);
  });

  it('maps a 403 on a static token to CaRejected "Vault token rejected" and does not retry', async () => {
    const sut = adapter({ auth: { token: 'revoked-token' } });

    const error = await failureOf(sut.sign(signRequest(csrPem)));

    expect(error.code).toBe('CaRejected');
    expect(error.message).toContain('Vault token rejected');
    expect(error.details).toMatchObject({ status: 403, vault_errors: ['permission denied'] });
    expect(vault.requestsTo('pki_int/sign/node')).toHaveLength(1);
  });

  it('gives up with CaUnavailable after exactly retries+1 attempts at a sealed Vault', async () => {
    vault.fail(503, ['Vault is sealed'], { times: Infinity });

    const error = await failureOf(adapter({ retries: 3 }).sign(signRequest(csrPem)));

    expect(error.code).toBe('CaUnavailable');
    expect(error.message).toContain('Vault is sealed');
    expect(vault.requestsTo('pki_int/sign/node')).toHaveLength(4);
  });

  it('succeeds when Vault recovers within the retry budget', async () => {
    vault.fail(503, ['Vault is sealed'], { times: 2 });

    await adapter({ retries: 2 }).sign(signRequest(csrPem));

    expect(vault.requestsTo('pki_int/sign/node')).toHaveLength(3);
  });

  it('times out a slow Vault with CaUnavailable', async () => {
    vault.delayMs = 2_000;
    const startedAt = Date.now();

    const error = await failureOf(adapter({ timeoutMs: 150, retries: 1 }).sign(signRequest(csrPem)));

    expect(error.code).toBe('CaUnavailable');
    expect(error.message).toContain('within 150ms');
    expect(vault.requestsTo('pki_int/sign/node')).toHaveLength(2);
    expect(Date.now() - startedAt).toBeLessThan(1_500);
  });

  it('maps connection refused to CaUnavailable after its retries', async () => {
    const sut = new VaultCaAdapter({ address: await closedPortAddress(), auth: { token: 'root-token' }, backoffMs: 1 });

    const error = await failureOf(sut.sign(signRequest(csrPem)));

    expect(error.code).toBe('CaUnavailable');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('does not retry CaRejected-class failures on other endpoints either', async () => {
    vault.fail(404, [], { path: /ca_chain/ });

    const error = await failureOf(adapter().caChain());

    expect(error.code).toBe('CaRejected');
    expect(vault.requestsTo('pki_int/ca_chain')).toHaveLength(1);
  });
});
