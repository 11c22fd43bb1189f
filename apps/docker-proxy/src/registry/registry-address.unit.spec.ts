import { backoffMs, parseRegistryAddress } from './registry-address.js';
import { renewAt } from './registry-certificate.js';

describe(parseRegistryAddress.name, () => {
  it('splits IPv4 and bracketed IPv6 addresses', () => {
    expect(parseRegistryAddress('198.18.0.1:5000')).toEqual({ host: '198.18.0.1', port: 5000 });
    expect(parseRegistryAddress('[fd5e:7e57::1]:443')).toEqual({ host: 'fd5e:7e57::1', port: 443 });
    expect(() => parseRegistryAddress('registry.local:5000')).toThrow(/IP:port/);
  });
});

describe('registry timing', () => {
  it('backs off from half a second, doubling, up to 30 s', () => {
    expect([0, 1, 2, 5, 6, 50].map(backoffMs)).toEqual([500, 1_000, 2_000, 16_000, 30_000, 30_000]);
  });

  it('renews at two thirds of the certificate life', () => {
    const notBefore = new Date('2030-01-01T00:00:00Z');
    expect(renewAt({ notBefore, notAfter: new Date('2030-01-31T00:00:00Z') })).toEqual(new Date('2030-01-21T00:00:00Z'));
  });
});
