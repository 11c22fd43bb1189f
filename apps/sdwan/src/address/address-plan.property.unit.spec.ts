import { PlatformError } from '@powernode/contracts';
import fc from 'fast-check';
import { addressIn, canonicalAddress, contains, hubAddress, installationPrefixFrom, networkPrefixIn, parseUlaPrefix64, peerAddressFrom } from './address-plan.js';
import { formatIpv6, parseCidr, parseIpv6 } from './ipv6.js';

const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length }).map((a) => Buffer.from(a));
const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
/** A network /64 as the platform makes them: a subnet of a random installation /48. */
const network64 = fc.tuple(bytes(5), fc.integer({ min: 0, max: 0xffff })).map(([id, subnet]) => networkPrefixIn(installationPrefixFrom(id), subnet));
const base = (prefix: string) => parseCidr(prefix)!.base;

/** Another spelling of the same address: every group written out in full, upper case. */
const fullUpper = (address: string) =>
  Array.from({ length: 8 }, (_, i) => ((parseIpv6(address)! >> BigInt(112 - 16 * i)) & 0xffffn).toString(16).padStart(4, '0'))
    .join(':')
    .toUpperCase();

describe('address plan properties', () => {
  it('formats any 128-bit value as text that parses back to it, in any spelling', () => {
    fc.assert(
      fc.property(u128, (value) => {
        const text = formatIpv6(value);
        expect(parseIpv6(text)).toBe(value);
        expect(parseIpv6(fullUpper(text))).toBe(value);
        expect(canonicalAddress(fullUpper(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('makes installation /48s that are ULAs (fd00::/8), one per global id', () => {
    fc.assert(
      fc.property(bytes(5), bytes(5), (a, b) => {
        const sut = installationPrefixFrom(a);
        const parsed = parseCidr(sut)!;
        expect(parsed.length).toBe(48);
        expect(parsed.base >> 120n).toBe(0xfdn);
        expect(installationPrefixFrom(a)).toBe(sut);
        expect(installationPrefixFrom(b) === sut).toBe(a.equals(b));
      }),
      { numRuns: 300 },
    );
  });

  it('puts each network /64 inside its /48, one per subnet id, and accepts it back as an explicit prefix', () => {
    fc.assert(
      fc.property(bytes(5), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (id, s1, s2) => {
        const installation = installationPrefixFrom(id);
        const sut = networkPrefixIn(installation, s1);
        expect(contains(installation, hubAddress(sut))).toBe(true);
        expect(parseUlaPrefix64(sut)).toBe(sut);
        expect(networkPrefixIn(installation, s2) === sut).toBe(s1 === s2);
      }),
      { numRuns: 300 },
    );
  });

  it('gives every peer a canonical /128 inside its /64 that is never ::0 or the hub’s ::1, the same for the same random bytes', () => {
    fc.assert(
      fc.property(network64, bytes(8), (prefix, random) => {
        const sut = peerAddressFrom(prefix, random);
        expect(contains(prefix, sut)).toBe(true);
        expect(canonicalAddress(sut)).toBe(sut);
        expect(parseIpv6(sut)).not.toBe(base(prefix));
        expect(sut).not.toBe(hubAddress(prefix));
        expect(peerAddressFrom(prefix, Buffer.from(random))).toBe(sut);
      }),
      { numRuns: 500 },
    );
  });

  it('gives different peer addresses for different interface ids (only ids 0 and 1 are remapped, to 2 and 3)', () => {
    const iid = (n: bigint) => Buffer.from(n.toString(16).padStart(16, '0'), 'hex');
    fc.assert(
      fc.property(network64, u64, u64, (prefix, a, b) => {
        const lift = (n: bigint) => (n < 2n ? n + 2n : n);
        expect(peerAddressFrom(prefix, iid(a)) === peerAddressFrom(prefix, iid(b))).toBe(lift(a) === lift(b));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps any interface id inside the /64 and out of every other /64', () => {
    fc.assert(
      fc.property(network64, network64, u128, (prefix, other, iid) => {
        const sut = addressIn(prefix, iid);
        expect(contains(prefix, sut)).toBe(true);
        expect(contains(other, sut)).toBe(other === prefix);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses anything but a ULA /64 without host bits as an explicit prefix, always with InvalidInput', () => {
    const candidate = fc.oneof(
      fc.string(),
      fc.tuple(u128, fc.integer({ min: 0, max: 200 })).map(([value, length]) => `${formatIpv6(value)}/${length}`),
      fc.tuple(network64, u64).map(([prefix, iid]) => `${addressIn(prefix, iid)}/64`),
    );
    fc.assert(
      fc.property(candidate, (text) => {
        const parsed = parseCidr(text);
        const valid = parsed !== undefined && parsed.length === 64 && parsed.base >> 120n === 0xfdn && (parsed.base & ((1n << 64n) - 1n)) === 0n;
        let outcome: unknown;
        try {
          outcome = parseUlaPrefix64(text);
        } catch (error) {
          outcome = error;
        }
        if (valid) {
          expect(outcome).toBe(`${formatIpv6(parsed.base)}/64`);
        } else {
          expect(outcome).toBeInstanceOf(PlatformError);
          expect((outcome as PlatformError).code).toBe('InvalidInput');
        }
      }),
      { numRuns: 500 },
    );
  });
});
