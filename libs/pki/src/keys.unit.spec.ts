import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { exportPrivateKeyPem, generateKeyPair, importPrivateKeyPem, type KeyAlgorithm } from './index.js';

describe('key pairs', () => {
  it.each<[KeyAlgorithm, Record<string, unknown>]>([
    ['Ed25519', { name: 'Ed25519' }],
    ['ECDSA-P256', { name: 'ECDSA', namedCurve: 'P-256' }],
  ])('%s: PKCS#8 export → import detects the algorithm and derives the matching public key', async (algorithm, keyAlgorithm) => {
    const keys = await generateKeyPair(algorithm);
    expect(keys.privateKey.extractable).toBe(true);
    const pem = await exportPrivateKeyPem(keys.privateKey);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);

    const sut = await importPrivateKeyPem(pem);

    expect(sut.algorithm).toBe(algorithm);
    expect(sut.publicKey.algorithm).toEqual(keyAlgorithm);
    const spki = (key: webcrypto.CryptoKey) => webcrypto.subtle.exportKey('spki', key).then((b) => Buffer.from(b).toString('hex'));
    expect(await spki(sut.publicKey)).toBe(await spki(keys.publicKey));
    const params = algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
    const data = Buffer.from('proof of possession');
    const signature = await webcrypto.subtle.sign(params, sut.privateKey, data);
    expect(await webcrypto.subtle.verify(params, keys.publicKey, signature, data)).toBe(true);
  });

  it('defaults to Ed25519', async () => {
    expect((await generateKeyPair()).publicKey.algorithm.name).toBe('Ed25519');
  });

  it('refuses RSA and P-384 private keys as UnsupportedKey', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(importPrivateKeyPem(rsa)).rejects.toMatchObject({ code: 'UnsupportedKey' });
    await expect(importPrivateKeyPem(p384)).rejects.toMatchObject({ code: 'UnsupportedKey' });
  });

  it('refuses garbage and non-PKCS#8 PEM as InvalidInput', async () => {
    await expect(importPrivateKeyPem('not a key')).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(importPrivateKeyPem('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).rejects.toMatchObject({ code: 'InvalidInput' });
    const sec1 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    await expect(importPrivateKeyPem(sec1)).rejects.toMatchObject({ code: 'InvalidInput' });
  });
});
