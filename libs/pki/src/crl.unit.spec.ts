// @peculiar/x509 is imported directly below, so load the Reflect polyfill it needs first.
import 'reflect-metadata';
import { AuthorityKeyIdentifierExtension, SubjectKeyIdentifierExtension, X509Certificate, X509Crl, X509CrlReason } from '@peculiar/x509';
import { createCrl, pemToDer } from './index.js';
import { DAY, createTestCa, type TestCa } from './testing/test-ca.js';

describe('createCrl', () => {
  let ca: TestCa;
  beforeAll(async () => {
    ca = await createTestCa();
  });

  it('signs a v2 CRL listing the revoked serials with reasons, CRL number and AKI', async () => {
    const thisUpdate = new Date('2026-01-01T00:00:00Z');
    const { pem, der } = await createCrl({
      issuer: ca.intermediateIssuer,
      revoked: [
        { serial: '7f01020304', revokedAt: new Date('2025-12-31T10:00:00Z'), reason: 'keyCompromise' },
        { serial: '0A', revokedAt: new Date('2025-12-31T11:00:00Z'), reason: 'unspecified' },
        { serial: 'ff', revokedAt: new Date('2025-12-31T12:00:00Z'), reason: 'cessationOfOperation' },
      ],
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + DAY),
      crlNumber: 42,
    });

    expect(pemToDer(pem).equals(der)).toBe(true);
    const sut = new X509Crl(der);
    const intermediate = new X509Certificate(ca.intermediate.certificatePem);
    expect(await sut.verify({ publicKey: intermediate })).toBe(true);
    expect(await sut.verify({ publicKey: new X509Certificate(ca.root.certificatePem) })).toBe(false);
    expect(sut.version).toBe(1); // v2
    expect(sut.issuer).toBe(intermediate.subject);
    expect(sut.thisUpdate).toEqual(thisUpdate);
    expect(sut.entries.map((entry) => [entry.serialNumber, entry.reason])).toEqual([
      ['7f01020304', X509CrlReason.keyCompromise],
      ['0a', undefined],
      ['ff', X509CrlReason.cessationOfOperation],
    ]);
    const crlNumber = sut.extensions.find((extension) => extension.type === '2.5.29.20');
    expect(Buffer.from(crlNumber?.value ?? new ArrayBuffer(0)).toString('hex')).toBe('02012a');
    expect(sut.getExtension(AuthorityKeyIdentifierExtension)?.keyId).toBe(intermediate.getExtension(SubjectKeyIdentifierExtension)?.keyId);
  });

  it('signs an empty CRL', async () => {
    const { der } = await createCrl({ issuer: ca.intermediateIssuer, revoked: [], thisUpdate: new Date(), nextUpdate: new Date(Date.now() + DAY), crlNumber: 0 });
    expect(new X509Crl(der).entries).toEqual([]);
  });

  it('refuses duplicate serials, bad CRL numbers and an inverted window', async () => {
    const base = { issuer: ca.intermediateIssuer, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + DAY), crlNumber: 1 };
    const revokedAt = new Date();
    await expect(createCrl({ ...base, revoked: [{ serial: '0a', revokedAt }, { serial: 'A', revokedAt }] })).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(createCrl({ ...base, revoked: [], crlNumber: -1 })).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(createCrl({ ...base, revoked: [], nextUpdate: base.thisUpdate })).rejects.toMatchObject({ code: 'InvalidInput' });
  });
});
