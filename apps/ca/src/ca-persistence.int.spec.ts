import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caActions } from '@powernode/contracts';
import { createCaHierarchy, exportPrivateKeyPem } from '@powernode/pki';
import { dropTestPlatform, testPlatformEnv } from '@powernode/testing';
import { startTestCa } from './testing/test-ca.js';

describe('LocalCaAdapter persistence', () => {
  it('is the same CA after a restart, and two replicas starting together share one CA', async () => {
    const platform = testPlatformEnv();
    try {
      const [a, b] = await Promise.all([startTestCa(platform), startTestCa(platform)]);
      const chainA = (await a.call(caActions.caGetChain, {})).chain_pem;
      expect((await b.call(caActions.caGetChain, {})).chain_pem).toEqual(chainA);
      await a.destroy({ keepData: true });
      await b.destroy({ keepData: true });

      const restarted = await startTestCa(platform);
      expect((await restarted.call(caActions.caGetChain, {})).chain_pem).toEqual(chainA);
      const status = await restarted.call(caActions.caStatus, {});
      expect(status).toMatchObject({ ca_adapter: 'LocalCaAdapter', can_sign: true, chain_valid: true });
      expect(status.intermediate_days_left).toBeGreaterThanOrEqual(364);
      await restarted.destroy({ keepData: true });

      // The keys are encrypted at rest: a different key-encryption key cannot open them.
      await expect(startTestCa(platform, { CA_KEK: Buffer.alloc(32, 9).toString('base64') })).rejects.toThrow(/CA_KEK/);
    } finally {
      await dropTestPlatform(platform, ['ca']);
    }
  });

  it('uses a CA given as fixture PEM instead of generating one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'powernode-fixture-'));
    const now = new Date();
    const { root, intermediate, intermediateKeys: intKeys } = await createCaHierarchy({
      rootCommonName: 'Fixture Root',
      intermediateCommonName: 'Fixture Issuing',
      notBefore: now,
      rootNotAfter: new Date(now.getTime() + 86400_000 * 30),
      intermediateNotAfter: new Date(now.getTime() + 86400_000 * 20),
    });
    await writeFile(join(dir, 'root.pem'), root.certificatePem);
    await writeFile(join(dir, 'intermediate.pem'), intermediate.certificatePem);
    await writeFile(join(dir, 'intermediate.key'), await exportPrivateKeyPem(intKeys.privateKey), { mode: 0o600 });
    const sut = await startTestCa(undefined, { CA_FIXTURE_DIR: dir });
    try {
      expect((await sut.call(caActions.caGetChain, {})).chain_pem).toEqual([intermediate.certificatePem, root.certificatePem]);
      expect((await sut.call(caActions.caStatus, {})).intermediate_days_left).toBe(19);
    } finally {
      await sut.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
