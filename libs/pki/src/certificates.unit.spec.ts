import { X509Certificate, generateKeyPairSync, webcrypto } from 'node:crypto';
import { certificateInfo, createIntermediateCa, derToPem, generateKeyPair, issueCertificate, pemToDer, verifyChain } from './index.js';
import { DAY, HOUR, createTestCa, issueTestLeaf, type TestCa } from './testing/test-ca.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

describe('issueCertificate', () => {
  let ca: TestCa;
  beforeAll(async () => {
    ca = await createTestCa();
  });

  it('issues a serverAuth leaf with an IPv6 and a DNS SAN that chains to the root', async () => {
    const { certificate } = await issueTestLeaf(ca, {
      commonName: 'host-1',
      dnsNames: ['host-1.hosts.internal'],
      ipAddresses: ['fd00::1'],
      extendedKeyUsages: ['serverAuth'],
    });
    const leaf = new X509Certificate(certificate.certificatePem);
    const intermediate = new X509Certificate(ca.intermediate.certificatePem);
    const root = new X509Certificate(ca.root.certificatePem);

    expect(leaf.subjectAltName).toBe('DNS:host-1.hosts.internal, IP Address:FD00:0:0:0:0:0:0:1');
    // iPAddress [7] of 16 bytes: fd00 0000 … 0001
    expect(pemToDer(certificate.certificatePem).includes(Buffer.from('8710fd000000000000000000000000000001', 'hex'))).toBe(true);
    expect(leaf.keyUsage).toEqual([SERVER_AUTH]); // Node names the EKU list keyUsage
    expect(leaf.ca).toBe(false);
    expect(leaf.subject).toBe('CN=host-1');
    expect(leaf.checkIssued(intermediate)).toBe(true);
    expect(leaf.verify(intermediate.publicKey)).toBe(true);
    expect(intermediate.checkIssued(root)).toBe(true);
    expect(intermediate.verify(root.publicKey)).toBe(true);
    expect(intermediate.ca).toBe(true);
    expect(root.checkIssued(root)).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(leaf.serialNumber.toLowerCase()).toBe(certificate.serial);
    expect(await verifyChain(certificate.certificatePem, ca.chain)).toEqual({ valid: true });
  });

  it('puts the requested EKUs, and no SAN extension when there are no SANs', async () => {
    const client = new X509Certificate((await issueTestLeaf(ca, { extendedKeyUsages: ['clientAuth'] })).certificate.certificatePem);
    expect(client.keyUsage).toEqual([CLIENT_AUTH]);
    expect(client.subjectAltName).toBeUndefined();
    const both = new X509Certificate((await issueTestLeaf(ca, { extendedKeyUsages: ['serverAuth', 'clientAuth'] })).certificate.certificatePem);
    expect(both.keyUsage).toEqual([SERVER_AUTH, CLIENT_AUTH]);
  });

  it('certifies an ECDSA P-256 key under the Ed25519 CA', async () => {
    const { certificate, keys } = await issueTestLeaf(ca, { keyAlgorithm: 'ECDSA-P256', ipAddresses: ['127.0.0.1'] });
    const leaf = new X509Certificate(certificate.certificatePem);
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey));
    expect(leaf.publicKey.export({ type: 'spki', format: 'der' }).equals(spki)).toBe(true);
    expect(await verifyChain(certificate.certificatePem, ca.chain)).toEqual({ valid: true });
  });

  it('an all-ECDSA hierarchy signs with ECDSA-SHA256 and verifies', async () => {
    const ecCa = await createTestCa({ algorithm: 'ECDSA-P256' });
    const { certificate } = await issueTestLeaf(ecCa, { keyAlgorithm: 'ECDSA-P256' });
    expect(new X509Certificate(certificate.certificatePem).verify(new X509Certificate(ecCa.intermediate.certificatePem).publicKey)).toBe(true);
    expect(await verifyChain(certificate.certificatePem, ecCa.chain)).toEqual({ valid: true });
  });

  it('uses a given serial in the platform format, and a random positive 16-byte one otherwise', async () => {
    const given = await issueTestLeaf(ca, { serial: '00:0A:BC' });
    expect(given.certificate.serial).toBe('0abc');
    expect(new X509Certificate(given.certificate.certificatePem).serialNumber.toLowerCase()).toBe('0abc');
    const random = (await issueTestLeaf(ca)).certificate.serial;
    expect(random).toMatch(/^[1-7][0-9a-f]{31}$|^0[1-9a-f][0-9a-f]{30}$/);
  });

  it('reports the encoded window, clamped to the issuer and cut to whole seconds', async () => {
    const notBefore = new Date(Date.now() - 30 * 60_000 + 123);
    const { certificate } = await issueTestLeaf(ca, { notBefore, notAfter: new Date(Date.now() + 10 * 365 * DAY) });
    const info = certificateInfo(certificate.certificatePem);
    expect(certificate.notBefore.getTime()).toBe(Math.floor(notBefore.getTime() / 1000) * 1000);
    expect(certificate.notAfter).toEqual(certificateInfo(ca.intermediate.certificatePem).notAfter);
    expect(info.notAfter).toEqual(certificate.notAfter);
  });

  it('describes a leaf with certificateInfo', async () => {
    const { certificate } = await issueTestLeaf(ca, {
      commonName: 'host-2',
      dnsNames: ['host-2.example'],
      ipAddresses: ['FD00:0:0:0:0:0:0:2', '10.1.2.3'],
      extendedKeyUsages: ['serverAuth', 'clientAuth'],
    });
    expect(certificateInfo(certificate.certificatePem)).toEqual({
      serial: certificate.serial,
      subjectCn: 'host-2',
      issuerCn: 'Powernode Test Intermediate',
      dnsNames: ['host-2.example'],
      ipAddresses: ['fd00::2', '10.1.2.3'],
      extendedKeyUsages: ['serverAuth', 'clientAuth'],
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      isCa: false,
      fingerprintSha256: certificate.fingerprintSha256,
    });
    expect(certificateInfo(ca.root.certificatePem)).toMatchObject({ isCa: true, subjectCn: 'Powernode Test Root', issuerCn: 'Powernode Test Root' });
  });

  it('refuses an RSA subject key as UnsupportedKey', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    const subjectPublicKey = await webcrypto.subtle.importKey('spki', rsa, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
    await expect(
      issueCertificate({
        issuer: ca.intermediateIssuer,
        subjectPublicKey,
        commonName: 'rsa',
        dnsNames: [],
        ipAddresses: [],
        extendedKeyUsages: ['clientAuth'],
        notBefore: new Date(),
        notAfter: new Date(Date.now() + HOUR),
      }),
    ).rejects.toMatchObject({ code: 'UnsupportedKey' });
  });

  it('refuses an issuer whose key does not match its certificate, and a leaf as issuer', async () => {
    const other = await generateKeyPair();
    await expect(issueTestLeaf({ ...ca, intermediateIssuer: { ...ca.intermediateIssuer, privateKey: other.privateKey } })).rejects.toMatchObject({
      code: 'InvalidInput',
      message: expect.stringMatching(/does not match/),
    });
    const leaf = await issueTestLeaf(ca);
    await expect(
      issueTestLeaf({ ...ca, intermediateIssuer: { certificatePem: leaf.certificate.certificatePem, privateKey: leaf.keys.privateKey } }),
    ).rejects.toMatchObject({ code: 'InvalidInput', message: expect.stringMatching(/not a CA/) });
  });

  it('refuses bad input: no EKU, bad SANs, empty window', async () => {
    await expect(issueTestLeaf(ca, { extendedKeyUsages: [] })).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(issueTestLeaf(ca, { ipAddresses: ['fd00::1%eth0'] })).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(issueTestLeaf(ca, { dnsNames: ['-bad-.example'] })).rejects.toMatchObject({ code: 'InvalidInput' });
    const now = new Date();
    await expect(issueTestLeaf(ca, { notBefore: now, notAfter: now })).rejects.toMatchObject({ code: 'InvalidInput' });
  });
});

describe('CA certificates', () => {
  it('an intermediate with path length 0 cannot sign another CA', async () => {
    const ca = await createTestCa();
    const keys = await generateKeyPair();
    await expect(
      createIntermediateCa({ commonName: 'sub', subjectPublicKey: keys.publicKey, issuer: ca.intermediateIssuer, notBefore: new Date(), notAfter: new Date(Date.now() + DAY) }),
    ).rejects.toMatchObject({ code: 'InvalidInput', message: expect.stringMatching(/path length/) });
  });
});

describe('verifyChain', () => {
  let ca: TestCa;
  let leafPem: string;
  beforeAll(async () => {
    ca = await createTestCa();
    leafPem = (await issueTestLeaf(ca)).certificate.certificatePem;
  });

  it('is invalid under a different root, even one with the same name', async () => {
    const impostor = await createTestCa({ rootCn: 'Powernode Test Root' });
    const verdict = await verifyChain(leafPem, [ca.intermediate.certificatePem, impostor.root.certificatePem]);
    expect(verdict.valid).toBe(false);
    expect(verdict.reason).toMatch(/not issued by|does not verify/);
  });

  it('is invalid after the leaf expires and before it starts', async () => {
    const { notAfter, notBefore } = certificateInfo(leafPem);
    expect(await verifyChain(leafPem, ca.chain, { at: new Date(notAfter.getTime() + 1000) })).toEqual({ valid: false, reason: expect.stringMatching(/expired/) });
    expect(await verifyChain(leafPem, ca.chain, { at: new Date(notBefore.getTime() - 1000) })).toEqual({ valid: false, reason: expect.stringMatching(/not valid before/) });
    expect((await verifyChain(leafPem, ca.chain, { at: notAfter })).valid).toBe(true);
  });

  it('is invalid when the intermediate is missing, the root is not last, or the chain is empty', async () => {
    expect((await verifyChain(leafPem, [ca.root.certificatePem])).valid).toBe(false);
    expect((await verifyChain(leafPem, [ca.intermediate.certificatePem])).valid).toBe(false);
    expect((await verifyChain(leafPem, [])).valid).toBe(false);
  });

  it('is invalid when a non-CA sits in the chain', async () => {
    const other = (await issueTestLeaf(ca)).certificate.certificatePem;
    expect(await verifyChain(leafPem, [other, ca.root.certificatePem])).toEqual({ valid: false, reason: expect.stringMatching(/not a CA/) });
  });

  it('is invalid for a tampered leaf and for garbage', async () => {
    const der = pemToDer(leafPem);
    der[der.length - 1] = (der[der.length - 1] as number) ^ 0x01;
    expect(await verifyChain(derToPem(der, 'CERTIFICATE'), ca.chain)).toEqual({ valid: false, reason: expect.stringMatching(/signature/) });
    expect(await verifyChain('garbage', ca.chain)).toEqual({ valid: false, reason: expect.stringMatching(/not a valid certificate/) });
  });
});
