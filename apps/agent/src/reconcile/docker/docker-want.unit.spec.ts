import { dockerWantOf, wantKey } from './docker-want.js';

const base = { instance_id: 'inst-1', version: '1' };
const dockerModule = (runtime: string, config: Record<string, unknown> = {}) => ({ module_id: `mod-${runtime}`, name: `${runtime}-engine`, version: '1.0.0', runtime, config });
const sdwan = { interfaces: [{ name: 'pn-a', network_id: 'n1', address: 'FD00:AAAA::5/128', listen_port: 51820, peers: [] }] };

describe(dockerWantOf.name, () => {
  it('takes the docker module and the first interface address (bare, lowercase) as the overlay', () => {
    const sut = dockerWantOf({ ...base, modules: [dockerModule('k3s'), dockerModule('docker')], sdwan });
    expect(sut).toMatchObject({ module: { id: 'mod-docker' }, overlay: 'fd00:aaaa::5' });
  });

  it('is undefined without a docker module, and has no overlay without an interface', () => {
    expect(dockerWantOf({ ...base, modules: [dockerModule('k3s')], sdwan })).toBeUndefined();
    expect(dockerWantOf({ ...base, modules: [dockerModule('docker')] })?.overlay).toBeUndefined();
  });

  it('carries the platform registries (none from an older handshake) without making them part of its key', () => {
    const sut = dockerWantOf({ ...base, modules: [dockerModule('docker')], sdwan, docker: { registries: ['198.18.0.1:5000'] } })!;
    expect(sut.registries).toEqual(['198.18.0.1:5000']);
    const older = dockerWantOf({ ...base, modules: [dockerModule('docker')], sdwan })!;
    expect(older.registries).toEqual([]);
    expect(wantKey(older)).toBe(wantKey(sut));
  });

  it('changes its key with the module configuration but keeps the assignment', () => {
    const a = dockerWantOf({ ...base, modules: [dockerModule('docker', { a: 1, b: 2 })], sdwan })!;
    const same = dockerWantOf({ ...base, version: '2', modules: [dockerModule('docker', { b: 2, a: 1 })], sdwan })!;
    const changed = dockerWantOf({ ...base, modules: [dockerModule('docker', { a: 2 })], sdwan })!;
    expect(wantKey(same)).toBe(wantKey(a));
    expect(changed.assignment).toBe(a.assignment);
    expect(wantKey(changed)).not.toBe(wantKey(a));
  });
});
