import { addressIn, contains, hubAddress, installationPrefixFrom, networkPrefixIn, parseUlaPrefix64, peerAddressFrom } from './address-plan.js';
import { formatIpv6, parseIpv6 } from './ipv6.js';
import { randomBytes } from 'node:crypto';

describe('address plan', () => {
  it('makes a random ULA /48 per installation from 40 random bits', () => {
    expect(installationPrefixFrom(Buffer.from('3a1b2c9d4e', 'hex'))).toBe('fd3a:1b2c:9d4e::/48');
    expect(installationPrefixFrom(Buffer.from('0000000001', 'hex'))).toBe('fd00:0:1::/48');
    const a = installationPrefixFrom(randomBytes(5));
    const b = installationPrefixFrom(randomBytes(5));
    expect(a).toMatch(/^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/48$/);
    expect(a).not.toBe(b);
  });

  it('puts one /64 per network inside the /48', () => {
    expect(networkPrefixIn('fd3a:1b2c:9d4e::/48', 1)).toBe('fd3a:1b2c:9d4e:1::/64');
    expect(networkPrefixIn('fd3a:1b2c:9d4e::/48', 0xabcd)).toBe('fd3a:1b2c:9d4e:abcd::/64');
    expect(contains('fd3a:1b2c:9d4e::/48', 'fd3a:1b2c:9d4e:abcd::1')).toBe(true);
  });

  it('gives the hub ::1 of each network', () => {
    expect(hubAddress('fd00:abcd:1::/64')).toBe('fd00:abcd:1::1');
  });

  it('allocates /128s inside the /64, never ::0 or ::1', () => {
    expect(peerAddressFrom('fd00:abcd:1::/64', Buffer.from('0000000000000042', 'hex'))).toBe('fd00:abcd:1::42');
    expect(peerAddressFrom('fd00:abcd:1::/64', Buffer.alloc(8))).toBe('fd00:abcd:1::2');
    expect(peerAddressFrom('fd00:abcd:1::/64', Buffer.from('0000000000000001', 'hex'))).toBe('fd00:abcd:1::3');
    for (let i = 0; i < 100; i += 1) {
      const address = peerAddressFrom('fd00:abcd:1::/64', randomBytes(8));
      expect(contains('fd00:abcd:1::/64', address)).toBe(true);
      expect(contains('fd00:abcd:2::/64', address)).toBe(false);
    }
    expect(addressIn('fd00:abcd:1::/64', 0xffffffffffffffffn)).toBe('fd00:abcd:1:0:ffff:ffff:ffff:ffff');
  });

  it('accepts an explicit ULA /64 and refuses anything else with InvalidInput', () => {
    expect(parseUlaPrefix64('FD12:3456:789A:0001::/64')).toBe('fd12:3456:789a:1::/64');
    for (const bad of ['2001:db8::/64', 'fc00::/64', 'fd12:3456::/48', 'fd12::1/64', 'fd12::/129', 'nope', '10.0.0.0/8']) {
      expect(() => parseUlaPrefix64(bad)).toThrow(expect.objectContaining({ code: 'InvalidInput' }));
    }
  });

  it('parses and formats IPv6 text (RFC 5952)', () => {
    expect(formatIpv6(parseIpv6('fd00:0:0:0:0:0:0:1')!)).toBe('fd00::1');
    expect(formatIpv6(parseIpv6('::')!)).toBe('::');
    expect(formatIpv6(parseIpv6('1:0:0:2:0:0:0:3')!)).toBe('1:0:0:2::3');
    expect(parseIpv6('1::2::3')).toBeUndefined();
    expect(parseIpv6('1:2:3:4:5:6:7:8:9')).toBeUndefined();
  });
});
