// @peculiar/x509 is imported directly below, so load the Reflect polyfill it needs first.
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import { Name, Pkcs10CertificateRequestGenerator } from '@peculiar/x509';
import { PlatformError } from '@powernode/contracts';
import fc from 'fast-check';
import { buildCsr, derToPem, generateKeyPair, normalizeIp, pemToDer, verifyCsr, type CryptoKeyPair } from './index.js';

/** What verifyCsr may refuse garbage with; anything else (or a TypeError, or success) fails the property. */
const REFUSALS = new Set(['InvalidCsr', 'UnsupportedKey', 'PayloadTooLarge']);

async function refusal(pem: string): Promise<unknown> {
  try {
    const accepted = await verifyCsr(pem);
    return { accepted };
  } catch (error) {
    return error;
  }
}

function expectTypedRefusal(outcome: unknown): void {
  expect(outcome).toBeInstanceOf(PlatformError);
  expect(REFUSALS.has((outcome as PlatformError).code)).toBe(true);
}

/** DER header of the TLV at `at`: its tag+length size and content length (definite lengths only). */
function tlv(der: Buffer, at: number): { header: number; length: number } {
  const first = der[at + 1]!;
  if (first < 0x80) return { header: 2, length: first };
  const size = first & 0x7f;
  return { header: 2 + size, length: der.subarray(at + 2, at + 2 + size).reduce((n, b) => n * 256 + b, 0) };
}

/** Byte offsets of a CSR that the signature covers (the request info) or that are the signature value. */
function signed(der: Buffer): Set<number> {
  const outer = tlv(der, 0);
  const info = tlv(der, outer.header);
  const infoEnd = outer.header + info.header + info.length;
  const algorithmEnd = infoEnd + tlv(der, infoEnd).header + tlv(der, infoEnd).length;
  const signature = tlv(der, algorithmEnd);
  const valueStart = algorithmEnd + signature.header + 1; // after the unused-bits byte
  const offsets = new Set<number>();
  for (let i = outer.header; i < infoEnd; i += 1) offsets.add(i);
  for (let i = valueStart; i < der.length; i += 1) offsets.add(i);
  return offsets;
}

const spkiSha256 = async (keys: CryptoKeyPair) => createHash('sha256').update(Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey))).digest('hex');

// Printable CNs (RFC 5280 allows 64 characters), DNS names from LDH labels, IPv4 and IPv6 literals.
const commonName = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 64 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
const dnsName = fc.domain({ size: 'small' }).filter((name) => name.length <= 253 && !name.split('.').some((label) => label.startsWith('-') || label.endsWith('-')));
const ipAddress = fc.oneof(fc.ipV4(), fc.ipV6().filter((ip) => !ip.includes('.')));

describe(`${verifyCsr.name} properties`, () => {
  let keys: CryptoKeyPair[];
  let hashes: string[];
  let validDer: Buffer[];

  beforeAll(async () => {
    keys = await Promise.all(Array.from({ length: 4 }, () => generateKeyPair('Ed25519')));
    hashes = await Promise.all(keys.map(spkiSha256));
    validDer = await Promise.all(
      keys.map(async (k, i) => pemToDer(await buildCsr({ keys: k, commonName: `node-${i}`, dnsNames: [`node-${i}.hosts.internal`], ipAddresses: ['fd00::42'] }))),
    );
  });

  it('any well-formed Ed25519 CSR verifies and yields its names and the SHA-256 of its key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 3 }),
        commonName,
        fc.array(dnsName, { maxLength: 3 }),
        fc.array(ipAddress, { maxLength: 3 }),
        async (k, cn, dnsNames, ipAddresses) => {
          const sut = await verifyCsr(await buildCsr({ keys: keys[k]!, commonName: cn, dnsNames, ipAddresses }));
          expect(sut.algorithm).toBe('Ed25519');
          expect(sut.commonName).toBe(cn);
          expect(sut.dnsNames).toEqual(dnsNames);
          expect(sut.ipAddresses).toEqual(ipAddresses.map(normalizeIp));
          expect(sut.spkiSha256).toBe(hashes[k]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a CSR made by @peculiar/x509 itself, with any UTF-8 CN, verifies with that CN and key hash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 3 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }), async (k, cn) => {
        const name = new Name([{ CN: [{ utf8String: cn }] }]);
        const csr = await Pkcs10CertificateRequestGenerator.create({ name, keys: keys[k]!, signingAlgorithm: { name: 'Ed25519' } });
        const sut = await verifyCsr(csr.toString('pem'));
        expect(sut.commonName).toBe(cn);
        expect(sut.spkiSha256).toBe(hashes[k]);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses any string with a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '\n', '-----BEGIN CERTIFICATE REQUEST-----')), async (text) => {
        expectTypedRefusal(await refusal(text));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses random bytes wrapped as a CSR (or under any other label) with a typed error', async () => {
    const label = fc.oneof(fc.constantFrom('CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST', 'CERTIFICATE', 'PRIVATE KEY'), fc.stringMatching(/^[A-Z0-9 ]{1,20}$/));
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 600 }), label, async (bytes, pemLabel) => {
        expectTypedRefusal(await refusal(derToPem(Buffer.from(bytes), pemLabel.trim() || 'X')));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses garbage inside a real CSR envelope: a DER SEQUENCE around random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 120 }), async (bytes) => {
        const der = Buffer.concat([Buffer.from([0x30, bytes.length]), Buffer.from(bytes)]);
        expectTypedRefusal(await refusal(derToPem(der, 'CERTIFICATE REQUEST')));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a truncated valid CSR, in DER or in PEM text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 3 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.boolean(), async (k, cut, inPem) => {
        const der = validDer[k]!;
        const pem = derToPem(der, 'CERTIFICATE REQUEST');
        // A PEM cut inside its END line at the latest (dropping only the trailing newline truncates nothing).
        const body = pem.trimEnd();
        const truncated = inPem ? body.slice(0, Math.floor(cut * body.length)) : derToPem(der.subarray(0, Math.max(1, Math.floor(cut * der.length))), 'CERTIFICATE REQUEST');
        expectTypedRefusal(await refusal(truncated));
      }),
      { numRuns: 300 },
    );
  });

  // The outer SEQUENCE header, the signatureAlgorithm and the BIT STRING's unused-bits byte are not signed, and the
  // ASN.1 parser is lenient about some of them: a change there may still verify, but must then yield exactly the
  // original's names and key. A change to the signed request or to the signature itself is always refused.
  it('refuses a valid CSR with any single bit flipped in what is signed or in the signature', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 3 }), fc.nat(), fc.integer({ min: 0, max: 7 }), async (k, at, bit) => {
        const der = Buffer.from(validDer[k]!);
        const index = at % der.length;
        der[index] = der[index]! ^ (1 << bit);
        const outcome = await refusal(derToPem(der, 'CERTIFICATE REQUEST'));
        if (signed(validDer[k]!).has(index)) expectTypedRefusal(outcome);
        else expectRefusedOrUnchanged(outcome, k);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a valid CSR with a run of bytes overwritten by random ones, unless only unsigned framing changed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 3 }), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), async (k, at, patch) => {
        const der = Buffer.from(validDer[k]!);
        const index = at % der.length;
        der.set(patch.subarray(0, der.length - index), index);
        const changed = [...der.keys()].filter((i) => der[i] !== validDer[k]![i]);
        fc.pre(changed.length > 0);
        const outcome = await refusal(derToPem(der, 'CERTIFICATE REQUEST'));
        if (changed.some((i) => signed(validDer[k]!).has(i))) expectTypedRefusal(outcome);
        else expectRefusedOrUnchanged(outcome, k);
      }),
      { numRuns: 300 },
    );
  });

  function expectRefusedOrUnchanged(outcome: unknown, k: number): void {
    if (outcome instanceof Error) return expectTypedRefusal(outcome);
    expect((outcome as { accepted: unknown }).accepted).toMatchObject({
      commonName: `node-${k}`,
      dnsNames: [`node-${k}.hosts.internal`],
      ipAddresses: ['fd00::42'],
      spkiSha256: hashes[k],
    });
  }
});
