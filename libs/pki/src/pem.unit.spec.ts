import { X509Certificate } from 'node:crypto';
import { PlatformError } from '@powernode/contracts';
import { derToPem, normalizeIp, normalizeSerial, pemToDer, sha256Fingerprint, splitPemBundle } from './index.js';
import { createTestCa } from './testing/test-ca.js';

describe('PEM helpers', () => {
  it('round-trips DER through PEM with 64-column lines', () => {
    const der = Buffer.from(Array.from({ length: 200 }, (_, i) => i));
    const pem = derToPem(der, 'CERTIFICATE');
    expect(pem.split('\n').slice(1, -3).every((line) => line.length === 64)).toBe(true);
    expect(pemToDer(pem).equals(der)).toBe(true);
  });

  it('rejects garbage, bad base64 and multi-block input to pemToDer', () => {
    expect(() => pemToDer('hello')).toThrow(PlatformError);
    expect(() => pemToDer('-----BEGIN X-----\n@@@@\n-----END X-----\n')).toThrow(/base64/);
    const block = derToPem(Buffer.from('abc'), 'X');
    expect(() => pemToDer(block + block)).toThrow(/exactly one/);
  });

  it('splits a bundle in order and fingerprints like Node', async () => {
    const ca = await createTestCa();
    const parts = splitPemBundle(`junk before\n${ca.intermediate.certificatePem}\n${ca.root.certificatePem}`);
    expect(parts).toEqual([ca.intermediate.certificatePem, ca.root.certificatePem]);
    const nodeFingerprint = new X509Certificate(ca.root.certificatePem).fingerprint256.replace(/:/g, '').toLowerCase();
    expect(sha256Fingerprint(ca.root.certificatePem)).toBe(nodeFingerprint);
    expect(sha256Fingerprint(pemToDer(ca.root.certificatePem))).toBe(nodeFingerprint);
    expect(ca.root.fingerprintSha256).toBe(nodeFingerprint);
  });
});

describe('normalizeSerial', () => {
  it.each([
    ['00AB:CD', 'abcd'],
    ['0a', '0a'],
    ['a', '0a'],
    ['0080', '80'],
  ])('%s → %s', (input, expected) => expect(normalizeSerial(input)).toBe(expected));

  it('rejects zero, non-hex and over-long serials', () => {
    expect(() => normalizeSerial('00')).toThrow(/positive/);
    expect(() => normalizeSerial('xyz')).toThrow(/hex/);
    expect(() => normalizeSerial('80'.repeat(20))).toThrow(/longer/);
  });
});

describe('normalizeIp', () => {
  it.each([
    ['FD00:0:0:0:0:0:0:1', 'fd00::1'],
    ['fd00::1', 'fd00::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['::ffff:c000:201', '::ffff:192.0.2.1'],
    ['::1', '::1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['127.0.0.1', '127.0.0.1'],
  ])('%s → %s', (input, expected) => expect(normalizeIp(input)).toBe(expected));

  it.each(['fe80::1%eth0', '[fd00::1]', 'fd00::/64', '01.2.3.4', 'host'])('rejects %s', (input) => {
    expect(() => normalizeIp(input)).toThrow(expect.objectContaining({ code: 'InvalidInput' }));
  });
});
