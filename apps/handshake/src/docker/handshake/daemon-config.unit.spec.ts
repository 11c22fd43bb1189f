import { isProtectedDaemonKey, PROTECTED_DAEMON_KEYS, renderDaemonConfig } from './daemon-config.js';

const overlay = 'fd00:abcd:1::42';
const base = {
  hosts: [`tcp://[${overlay}]:2376`],
  tls: true,
  tlsverify: true,
  tlscacert: '/etc/docker/powernode/ca.pem',
  tlscert: '/etc/docker/powernode/server-cert.pem',
  tlskey: '/etc/docker/powernode/server-key.pem',
  ip: overlay,
  'userland-proxy': true,
  'live-restore': true,
};
const render = (daemon: unknown, tlsDir = '/etc/docker/powernode') => renderDaemonConfig({ overlay, tlsDir, moduleConfig: { package: 'docker.io', daemon } });

/** A small deterministic PRNG (mulberry32): the property checks below replay the same cases every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(renderDaemonConfig.name, () => {
  it('listens only on the overlay with verified TLS, binds published ports to the overlay, keeps containers across restarts', () => {
    const sut = render(undefined);
    expect(sut.config).toEqual(base);
    expect(sut.refused).toEqual([]);
    expect(sut.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(render(undefined, '/etc/docker/powernode/').config).toEqual(base);
  });

  it('adds the module’s daemon overrides, and the hash follows the content, not the key order', () => {
    const sut = render({ 'log-level': 'warn', 'registry-mirrors': ['http://10.0.0.1:5000'] });
    expect(sut.config).toEqual({ ...base, 'log-level': 'warn', 'registry-mirrors': ['http://10.0.0.1:5000'] });
    expect(render({ 'registry-mirrors': ['http://10.0.0.1:5000'], 'log-level': 'warn' }).hash).toBe(sut.hash);
    expect(render({ 'log-level': 'debug' }).hash).not.toBe(sut.hash);
  });

  it('refuses overrides of the security keys and reports them', () => {
    const sut = render({ hosts: ['tcp://0.0.0.0:2375', 'unix:///var/run/docker.sock'], tlsverify: false, ip: '0.0.0.0', 'log-level': 'warn' });
    expect(sut.config).toEqual({ ...base, 'log-level': 'warn' });
    expect(sut.refused).toEqual(['hosts', 'ip', 'tlsverify']);
  });

  it('refuses them whatever their case or separators (Go matches daemon.json keys case-insensitively)', () => {
    for (const key of ['Hosts', 'TLSVERIFY', 'TlsCaCert', 'live_restore', 'LiveRestore', 'data_root', 'IP', '__proto__']) expect(isProtectedDaemonKey(key)).toBe(true);
    for (const key of ['log-level', 'registry-mirrors', 'debug', 'insecure-registries', 'default-address-pools']) expect(isProtectedDaemonKey(key)).toBe(false);
    const sut = render(JSON.parse('{"Hosts":["tcp://0.0.0.0:2375"],"TLS":false,"__proto__":{"polluted":true}}'));
    expect(sut.config).toEqual(base);
    expect(Object.keys(sut.config)).not.toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ignores a `daemon` that is not an object', () => {
    for (const daemon of ['hosts', 42, null, ['hosts']]) expect(render(daemon).config).toEqual(base);
  });

  it('property: no override can change a security setting or add a key that folds to one', () => {
    const next = random(0x5eed);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const variants = (key: string) => [key, key.toUpperCase(), key.replace(/-/g, '_'), key.replace(/-/g, ''), key[0]!.toUpperCase() + key.slice(1)];
    const values = [false, true, 0, '', '0.0.0.0', ['tcp://0.0.0.0:2375'], { nested: true }, null];
    for (let round = 0; round < 500; round += 1) {
      const daemon: Record<string, unknown> = {};
      for (let i = 0; i < 1 + Math.floor(next() * 6); i += 1) daemon[pick(variants(pick(PROTECTED_DAEMON_KEYS)))] = pick(values);
      for (let i = 0; i < Math.floor(next() * 3); i += 1) daemon[`harmless-${i}`] = pick(values);
      const { config, refused } = render(daemon);
      expect(config).toMatchObject(base);
      const fold = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
      const protectedKeys = Object.keys(config).filter(isProtectedDaemonKey);
      expect(protectedKeys.sort()).toEqual(Object.keys(base).sort());
      expect(new Set(protectedKeys.map(fold)).size).toBe(protectedKeys.length);
      expect(refused.length).toBe(Object.keys(daemon).filter((k) => !k.startsWith('harmless-')).length);
    }
  });
});
