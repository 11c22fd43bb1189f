import type { NetworkInterfaceInfo } from 'node:os';
import { underlayEndpoints } from './facts.js';

const entry = (address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as NetworkInterfaceInfo;

describe(underlayEndpoints.name, () => {
  it('keeps routable addresses, drops loopback and IPv6 link-local, deduplicates', () => {
    const sut = underlayEndpoints({
      lo: [entry('127.0.0.1', 'IPv4', true), entry('::1', 'IPv6', true)],
      eth0: [entry('10.0.0.5', 'IPv4'), entry('fe80::1', 'IPv6'), entry('fd5e:7e57:0:1::5', 'IPv6')],
      eth1: [entry('10.0.0.5', 'IPv4')],
    });
    expect(sut).toEqual(['10.0.0.5', 'fd5e:7e57:0:1::5']);
  });
});
