import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsr, createCrl, generateKeyPair, importPrivateKeyPem, verifyCsr, type KeyAlgorithm } from './index.js';
import { DAY, createTestCa, issueTestLeaf, type TestCa } from './testing/test-ca.js';

/** Runs the openssl CLI; never throws, so a failing verify can be asserted on. */
function openssl(...args: string[]): { status: number | null; out: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('openssl CLI interop', () => {
  let dir: string;
  let ca: TestCa;
  const file = (name: string, content?: string | Buffer): string => {
    const path = join(dir, name);
    if (content !== undefined) writeFileSync(path, content);
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pki-openssl-'));
    ca = await createTestCa();
    file('root.pem', ca.root.certificatePem);
    file('intermediate.pem', ca.intermediate.certificatePem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each<[KeyAlgorithm, 'serverAuth' | 'clientAuth', string]>([
    ['Ed25519', 'serverAuth', 'sslserver'],
    ['ECDSA-P256', 'serverAuth', 'sslserver'],
    ['Ed25519', 'clientAuth', 'sslclient'],
    ['ECDSA-P256', 'clientAuth', 'sslclient'],
  ])('openssl verify accepts a %s %s leaf under the Ed25519 root + intermediate', async (keyAlgorithm, usage, purpose) => {
    const { certificate } = await issueTestLeaf(ca, { keyAlgorithm, extendedKeyUsages: [usage], ipAddresses: ['fd00::1'] });
    const leaf = file(`leaf-${keyAlgorithm}-${usage}.pem`, certificate.certificatePem);

    const result = openssl('verify', '-purpose', purpose, '-CAfile', file('root.pem'), '-untrusted', file('intermediate.pem'), leaf);

    expect(result).toEqual({ status: 0, out: `${leaf}: OK\n` });
  });

  it('openssl verify refuses a clientAuth-only leaf for the sslserver purpose (the original daemon-cert bug)', async () => {
    const { certificate } = await issueTestLeaf(ca, { extendedKeyUsages: ['clientAuth'] });
    const result = openssl('verify', '-purpose', 'sslserver', '-CAfile', file('root.pem'), '-untrusted', file('intermediate.pem'), file('client-only.pem', certificate.certificatePem));
    expect(result.status).not.toBe(0);
    expect(result.out).toMatch(/unsuitable certificate purpose/);
  });

  it('openssl verify accepts an all-ECDSA hierarchy', async () => {
    const ecCa = await createTestCa({ algorithm: 'ECDSA-P256' });
    const { certificate } = await issueTestLeaf(ecCa, { keyAlgorithm: 'ECDSA-P256' });
    const result = openssl(
      'verify', '-CAfile', file('ec-root.pem', ecCa.root.certificatePem), '-untrusted', file('ec-intermediate.pem', ecCa.intermediate.certificatePem),
      file('ec-leaf.pem', certificate.certificatePem),
    );
    expect(result.status).toBe(0);
    expect(openssl('x509', '-in', file('ec-leaf.pem'), '-noout', '-text').out).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
  });

  it('openssl prints the same serial we report, and our SAN and extension shapes', async () => {
    const { certificate } = await issueTestLeaf(ca, { dnsNames: ['host-1.example'], ipAddresses: ['fd00::1', '127.0.0.1'] });
    const leaf = file('serial-leaf.pem', certificate.certificatePem);
    const serial = openssl('x509', '-in', leaf, '-noout', '-serial').out.trim();
    expect(serial.replace(/^serial=/, '').toLowerCase()).toBe(certificate.serial);
    const given = await issueTestLeaf(ca, { serial: '0a0b' });
    expect(openssl('x509', '-in', file('given-serial.pem', given.certificate.certificatePem), '-noout', '-serial').out.trim()).toBe('serial=0A0B');

    const text = openssl('x509', '-in', leaf, '-noout', '-text').out;
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature\n/);
    expect(text).toMatch(/Subject Alternative Name: \s*\n\s*DNS:host-1\.example, IP Address:FD00:0:0:0:0:0:0:1, IP Address:127\.0\.0\.1/);
    expect(text).toMatch(/Authority Key Identifier/);
    const intermediateText = openssl('x509', '-in', file('intermediate.pem'), '-noout', '-text').out;
    expect(intermediateText).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(intermediateText).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    expect(openssl('x509', '-in', file('root.pem'), '-noout', '-text').out).toMatch(/Basic Constraints: critical\s+CA:TRUE\n/);
  });

  it('openssl reads our CRL (PEM and DER), lists the revoked serials and rejects a revoked leaf', async () => {
    const revokedLeaf = await issueTestLeaf(ca);
    const goodLeaf = await issueTestLeaf(ca);
    const now = Date.now();
    const { pem, der } = await createCrl({
      issuer: ca.intermediateIssuer,
      revoked: [
        { serial: revokedLeaf.certificate.serial, revokedAt: new Date(now - 1000), reason: 'superseded' },
        { serial: '0a', revokedAt: new Date(now - 1000) },
      ],
      thisUpdate: new Date(now - 60_000),
      nextUpdate: new Date(now + DAY),
      crlNumber: 3,
    });

    const text = openssl('crl', '-in', file('crl.pem', pem), '-noout', '-text');
    expect(text.status).toBe(0);
    const listed = [...text.out.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((match) => (match[1] as string).toLowerCase());
    expect(listed).toEqual([revokedLeaf.certificate.serial, '0a']);
    expect(text.out).toMatch(/CRL Number: \s*\n\s*3\n/);
    expect(text.out).toMatch(/Superseded/);
    const fromDer = openssl('crl', '-inform', 'DER', '-in', file('crl.der', der), '-noout', '-crlnumber', '-issuer');
    expect(fromDer).toEqual({ status: 0, out: 'crlNumber=0x03\nissuer=CN = Powernode Test Intermediate\n' });

    const verifyWithCrl = (leafPem: string, name: string) =>
      openssl('verify', '-crl_check', '-CRLfile', file('crl.pem'), '-CAfile', file('root.pem'), '-untrusted', file('intermediate.pem'), file(name, leafPem));
    const revoked = verifyWithCrl(revokedLeaf.certificate.certificatePem, 'revoked.pem');
    expect(revoked.status).not.toBe(0);
    expect(revoked.out).toMatch(/certificate revoked/);
    expect(verifyWithCrl(goodLeaf.certificate.certificatePem, 'good.pem').status).toBe(0);
  });

  it('openssl accepts our CSRs', async () => {
    for (const algorithm of ['Ed25519', 'ECDSA-P256'] as const) {
      const csr = file(`ours-${algorithm}.csr`, await buildCsr({ keys: await generateKeyPair(algorithm), commonName: 'n', ipAddresses: ['fd00::1'] }));
      const result = openssl('req', '-in', csr, '-noout', '-verify');
      expect(result.status).toBe(0);
      expect(result.out).toMatch(/verify OK/);
    }
  });

  it.each([
    ['ed25519', ['-algorithm', 'ed25519'], 'Ed25519'],
    ['P-256', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'ECDSA-P256'],
  ])('verifyCsr accepts an openssl %s CSR and importPrivateKeyPem its key', async (name, genArgs, algorithm) => {
    const key = file(`${name}.key`);
    expect(openssl('genpkey', ...genArgs, '-out', key).status).toBe(0);
    const csr = file(`${name}.csr`);
    const req = openssl('req', '-new', '-key', key, '-subj', '/CN=openssl-node', '-addext', 'subjectAltName=DNS:n.example,IP:fd00::1', '-out', csr);
    expect(req.status).toBe(0);

    await expect(verifyCsr(readFileSync(csr, 'utf8'))).resolves.toMatchObject({
      commonName: 'openssl-node',
      dnsNames: ['n.example'],
      ipAddresses: ['fd00::1'],
      algorithm,
    });
    expect((await importPrivateKeyPem(readFileSync(key, 'utf8'))).algorithm).toBe(algorithm);
  });

  it.each([
    ['RSA-1024', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024']],
    ['P-384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384']],
    ['Ed448', ['-algorithm', 'ed448']],
  ])('verifyCsr refuses an openssl %s CSR as UnsupportedKey', async (name, genArgs) => {
    const key = file(`${name}.key`);
    expect(openssl('genpkey', ...genArgs, '-out', key).status).toBe(0);
    const csr = file(`${name}.csr`);
    expect(openssl('req', '-new', '-key', key, '-subj', '/CN=x', '-out', csr).status).toBe(0);
    await expect(verifyCsr(readFileSync(csr, 'utf8'))).rejects.toMatchObject({ code: 'UnsupportedKey' });
  });
});
