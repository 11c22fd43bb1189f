import fc from 'fast-check';
import { certificateInfo, createRootCa, generateKeyPair, type CryptoKeyPair } from './index.js';

// Printable text up to 64 characters, with the DN-syntax characters @peculiar/x509 would otherwise interpret.
const commonName = fc
  .oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }), fc.stringMatching(/^[#"\\a-z ,+=]{1,64}$/))
  .filter((s) => s.length <= 64 && !/[\u0000-\u001f\u007f]/.test(s));

describe(`${createRootCa.name} properties`, () => {
  let keys: CryptoKeyPair;

  beforeAll(async () => {
    keys = await generateKeyPair('Ed25519');
  });

  it('encodes any valid common name verbatim: the certificate reads back the CN it was asked for', async () => {
    await fc.assert(
      fc.asyncProperty(commonName, async (cn) => {
        const sut = await createRootCa({ commonName: cn, keys, notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z') });
        const info = certificateInfo(sut.certificatePem);
        expect(info.subjectCn).toBe(cn);
        expect(info.issuerCn).toBe(cn);
      }),
      { numRuns: 200 },
    );
  });
});
