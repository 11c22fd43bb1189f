import { CERTIFICATE_PROFILES } from '@powernode/contracts';
import { PROFILES, parseDuration, resolveProfile } from './profiles.js';

const facts = { instance_id: 'inst-1', overlay_address: 'fd00:abcd:1::42', host_name: 'inst-1.nodes.powernode', operator: 'alice', dns_names: ['platform.local'], ip_addresses: ['127.0.0.1'] };

describe('certificate profiles', () => {
  it('defines every profile the contracts name', () => {
    expect(Object.keys(PROFILES).sort()).toEqual([...CERTIFICATE_PROFILES].sort());
  });

  it.each([
    ['docker-daemon-server', ['serverAuth'], 'docker-daemon-inst-1', ['inst-1.nodes.powernode'], ['fd00:abcd:1::42'], 30 * 86400],
    ['docker-platform-client', ['clientAuth'], 'powernode-platform', [], [], 7 * 86400],
    ['operator-client', ['clientAuth'], 'alice', [], [], 8 * 3600],
    ['agent-identity', ['clientAuth'], 'inst-1', [], [], 30 * 86400],
    ['platform-server', ['serverAuth'], 'platform.local', ['platform.local'], ['127.0.0.1'], 90 * 86400],
  ] as const)('%s: EKU %j, CN %s, DNS %j, IP %j, default TTL %is', (profile, ekus, cn, dns, ips, ttl) => {
    const sut = resolveProfile(profile, facts);
    expect(sut.extendedKeyUsages).toEqual(ekus);
    expect(sut.names).toEqual({ commonName: cn, dnsSans: dns, ipSans: ips });
    expect(sut.ttlSeconds).toBe(ttl);
  });

  it('refuses a TTL beyond the maximum (operator certs: 12 h, since dockerd checks no CRL)', () => {
    expect(resolveProfile('operator-client', facts, 12 * 3600).ttlSeconds).toBe(12 * 3600);
    expect(() => resolveProfile('operator-client', facts, 12 * 3600 + 1)).toThrow(expect.objectContaining({ code: 'InvalidInput' }));
    expect(() => resolveProfile('docker-platform-client', facts, 8 * 86400)).toThrow(/maximum/);
  });

  it('needs the platform facts each profile names', () => {
    expect(() => resolveProfile('docker-daemon-server', { instance_id: 'x', host_name: 'x' })).toThrow(/overlay_address/);
    expect(() => resolveProfile('docker-daemon-server', { ...facts, overlay_address: '10.0.0.1' })).toThrow(/IPv6/);
    expect(() => resolveProfile('operator-client', {})).toThrow(/operator/);
    expect(() => resolveProfile('platform-server', {})).toThrow(/dns_names/);
    expect(() => resolveProfile('platform-server', { dns_names: ['bad name!'] })).toThrow(/DNS/);
  });

  it('parses durations', () => {
    expect(parseDuration('8h')).toBe(28800);
    expect(parseDuration('30m')).toBe(1800);
    expect(() => parseDuration('1d')).toThrow(/bad duration/);
  });
});
