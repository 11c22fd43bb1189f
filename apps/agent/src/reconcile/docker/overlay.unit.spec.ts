import { hasUsableAddress } from './overlay.js';

const ip = (infos: Record<string, unknown>[]) => JSON.stringify([{ ifindex: 1, ifname: 'lo', addr_info: [{ family: 'inet6', local: '::1', prefixlen: 128 }] }, { ifindex: 5, ifname: 'pn-a', addr_info: infos }]);

describe(hasUsableAddress.name, () => {
  it('finds the overlay address in any spelling', () => {
    const out = ip([{ family: 'inet6', local: 'fd00:aaaa:0:1::5', prefixlen: 128 }]);
    expect(hasUsableAddress(out, 'fd00:aaaa:0:1::5')).toBe(true);
    expect(hasUsableAddress(out, 'FD00:AAAA:0000:0001:0:0:0:5')).toBe(true);
    expect(hasUsableAddress(out, 'fd00:aaaa:0:1::6')).toBe(false);
  });

  it('does not count an address dockerd cannot bind yet (tentative or failed DAD)', () => {
    expect(hasUsableAddress(ip([{ family: 'inet6', local: 'fd00::5', prefixlen: 128, tentative: true }]), 'fd00::5')).toBe(false);
    expect(hasUsableAddress(ip([{ family: 'inet6', local: 'fd00::5', prefixlen: 128, dadfailed: true }]), 'fd00::5')).toBe(false);
  });

  it('is false on an empty answer or a malformed address', () => {
    expect(hasUsableAddress('', 'fd00::5')).toBe(false);
    expect(hasUsableAddress(ip([]), 'not-an-address')).toBe(false);
  });
});
