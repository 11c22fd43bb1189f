// @peculiar/x509 is imported directly below, so load the Reflect polyfill it needs first.
import 'reflect-metadata';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { Pkcs10CertificateRequestGenerator } from '@peculiar/x509';
import { buildCsr, derToPem, generateKeyPair, pemToDer, verifyCsr, type KeyAlgorithm } from './index.js';

describe('CSR build and verify', () => {
  it.each<KeyAlgorithm>(['Ed25519', 'ECDSA-P256'])('%s: verifyCsr returns what buildCsr asked for', async (algorithm) => {
    const keys = await generateKeyPair(algorithm);
    const pem = await buildCsr({ keys, commonName: 'node-7', dnsNames: ['node-7.hosts.internal'], ipAddresses: ['fd00::1', '10.0.0.7'] });

    const sut = await verifyCsr(pem);

    expect(sut).toMatchObject({ commonName: 'node-7', dnsNames: ['node-7.hosts.internal'], ipAddresses: ['fd00::1', '10.0.0.7'], algorithm });
    const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey));
    const { createHash } = await import('node:crypto');
    expect(sut.spkiSha256).toBe(createHash('sha256').update(spki).digest('hex'));
    expect(Buffer.from(await webcrypto.subtle.exportKey('spki', sut.publicKey)).equals(spki)).toBe(true);
  });

  it('keeps a CSR without SANs', async () => {
    const sut = await verifyCsr(await buildCsr({ keys: await generateKeyPair(), commonName: 'agent' }));
    expect(sut).toMatchObject({ commonName: 'agent', dnsNames: [], ipAddresses: [] });
  });

  it.each<KeyAlgorithm>(['Ed25519', 'ECDSA-P256'])('%s: a flipped signature byte is InvalidCsr', async (algorithm) => {
    const der = pemToDer(await buildCsr({ keys: await generateKeyPair(algorithm), commonName: 'node-7' }));
    der[der.length - 1] = (der[der.length - 1] as number) ^ 0x01; // the signature BIT STRING ends the CSR
    await expect(verifyCsr(derToPem(der, 'CERTIFICATE REQUEST'))).rejects.toMatchObject({ code: 'InvalidCsr' });
  });

  it('a CSR whose subject was altered after signing is InvalidCsr', async () => {
    const der = pemToDer(await buildCsr({ keys: await generateKeyPair(), commonName: 'node-7' }));
    const at = der.indexOf(Buffer.from('node-7'));
    der[at + 5] = '8'.charCodeAt(0);
    await expect(verifyCsr(derToPem(der, 'CERTIFICATE REQUEST'))).rejects.toMatchObject({ code: 'InvalidCsr' });
  });

  it.each([
    ['plain text', 'hello'],
    ['empty', ''],
    ['wrong label', derToPem(Buffer.from('abc'), 'CERTIFICATE')],
    ['not ASN.1', derToPem(Buffer.from('definitely not DER'), 'CERTIFICATE REQUEST')],
    ['bad base64', '-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n'],
  ])('garbage (%s) is InvalidCsr', async (_name, pem) => {
    await expect(verifyCsr(pem)).rejects.toMatchObject({ code: 'InvalidCsr' });
  });

  it('two CSRs in one PEM are InvalidCsr', async () => {
    const pem = await buildCsr({ keys: await generateKeyPair(), commonName: 'a' });
    await expect(verifyCsr(pem + pem)).rejects.toMatchObject({ code: 'InvalidCsr' });
  });

  it('over 16 KiB is PayloadTooLarge before any parsing', async () => {
    await expect(verifyCsr('x'.repeat(16 * 1024 + 1))).rejects.toMatchObject({ code: 'PayloadTooLarge' });
    const pem = await buildCsr({ keys: await generateKeyPair(), commonName: 'a' });
    await expect(verifyCsr(pem + ' '.repeat(16 * 1024))).rejects.toMatchObject({ code: 'PayloadTooLarge' });
    await expect(verifyCsr(pem, { maxBytes: 100 })).rejects.toMatchObject({ code: 'PayloadTooLarge' });
  });

  it('an RSA-1024 CSR is UnsupportedKey', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const keys = {
      privateKey: await webcrypto.subtle.importKey('pkcs8', rsa.privateKey.export({ type: 'pkcs8', format: 'der' }), algorithm, false, ['sign']),
      publicKey: await webcrypto.subtle.importKey('spki', rsa.publicKey.export({ type: 'spki', format: 'der' }), algorithm, true, ['verify']),
    };
    const csr = await Pkcs10CertificateRequestGenerator.create({ name: 'CN=rsa', keys, signingAlgorithm: algorithm });
    await expect(verifyCsr(csr.toString('pem'))).rejects.toMatchObject({ code: 'UnsupportedKey' });
  });

  it('a P-384 CSR is UnsupportedKey', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
    const csr = await Pkcs10CertificateRequestGenerator.create({ name: 'CN=p384', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' } });
    await expect(verifyCsr(csr.toString('pem'))).rejects.toMatchObject({ code: 'UnsupportedKey' });
  });

  it('buildCsr refuses bad names as InvalidInput', async () => {
    const keys = await generateKeyPair();
    await expect(buildCsr({ keys, commonName: '' })).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(buildCsr({ keys, commonName: 'a', dnsNames: ['bad name'] })).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(buildCsr({ keys, commonName: 'a', ipAddresses: ['fd00::1/64'] })).rejects.toMatchObject({ code: 'InvalidInput' });
  });
});
