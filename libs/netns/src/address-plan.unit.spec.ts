import { addressesFor, createAddressPlan, formatIpv6, gatewayAddresses, indexOfAddress, lowestFreeIndex, parseIpv6 } from './address-plan.js';

describe('address plan', () => {
  const sut = createAddressPlan('fd5e:7e57::/48', '198.18.0.0/15');

  it('gives index n the n-th /64 and /30, host side ::1/.1, instance side ::2/.2', () => {
    expect(addressesFor(sut, 1)).toEqual({ hostIpv6: 'fd5e:7e57:0:1::1', instanceIpv6: 'fd5e:7e57:0:1::2', hostIpv4: '198.18.0.5', instanceIpv4: '198.18.0.6' });
    expect(addressesFor(sut, 300)).toMatchObject({ instanceIpv6: 'fd5e:7e57:0:12c::2', hostIpv4: '198.18.4.177' });
  });

  it('bounds the index by the smaller range', () => {
    expect(sut.maxIndex).toBe(2 ** 15 - 1);
    expect(() => addressesFor(sut, 0)).toThrow(/outside/);
    expect(() => addressesFor(sut, 2 ** 15)).toThrow(/outside/);
  });

  it('maps host addresses back to their index and ignores foreign ones', () => {
    expect(indexOfAddress(sut, 'fd5e:7e57:0:12c::1')).toBe(300);
    expect(indexOfAddress(sut, '198.18.4.178')).toBe(300);
    expect(indexOfAddress(sut, 'fe80::1')).toBeUndefined();
    expect(indexOfAddress(sut, '10.0.0.1')).toBeUndefined();
  });

  it('puts the gateway on the first host address of index 0, which no instance gets and allocation ignores', () => {
    const gateway = gatewayAddresses(sut);
    expect(gateway).toEqual({ ipv4: '198.18.0.1', ipv6: 'fd5e:7e57::1' });
    expect(indexOfAddress(sut, gateway.ipv4)).toBeUndefined();
    expect(indexOfAddress(sut, gateway.ipv6)).toBeUndefined();
    for (const address of Object.values(addressesFor(sut, 1))) expect([gateway.ipv4, gateway.ipv6]).not.toContain(address);
    expect(gatewayAddresses(createAddressPlan('2001:db8:100::/40', '10.64.0.0/12'))).toEqual({ ipv4: '10.64.0.1', ipv6: '2001:db8:100::1' });
  });

  it('allocates the lowest free index', () => {
    expect(lowestFreeIndex(sut, new Set([1, 2, 4]))).toBe(3);
  });

  it('round-trips RFC 5952 text', () => {
    for (const text of ['::', '::1', 'fd5e:7e57::', '2001:db8::1:0:0:1', '2001:db8:0:1:1:1:1:1', 'fe80::']) {
      expect(formatIpv6(parseIpv6(text))).toBe(text);
    }
  });

  it('rejects bad ranges', () => {
    expect(() => createAddressPlan('fd5e:7e57::/64', '198.18.0.0/15')).toThrow(/length/);
    expect(() => createAddressPlan('fd5e:7e57::1/48', '198.18.0.0/15')).toThrow(/host bits/);
    expect(() => createAddressPlan('fd5e:7e57::/48', '198.18.0.0/30')).toThrow(/length/);
  });
});
