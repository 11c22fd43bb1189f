import { agentProtocol, canonicalJson } from '@powernode/contracts';
import { composeDesiredState, networkIdsOf } from './desired-state.js';

const docker = { module_id: 'mod-b', name: 'docker-engine', version: '1.0.0', runtime: 'docker' };
const k3s = { module_id: 'mod-a', name: 'k3s', version: '1.30.0', runtime: 'k3s-server' };
const none = { interfaces: [] };
const hub = { public_key: 'hub-key', allowed_ips: ['fd00:1:2:3::1/128'], endpoint: '10.0.0.1:51820', persistent_keepalive: 25 };
const wg = (peers: (typeof hub)[]) => ({
  interfaces: [{ name: 'pn-0123456789ab', network_id: 'net-0000000a', address: 'fd00:1:2:3::a/128', listen_port: 51820, peers }],
});

describe(composeDesiredState.name, () => {
  it('lists the modules by name with their config, and versions only that content', () => {
    const sut = composeDesiredState('inst-1', [k3s, docker], new Map([['mod-b', { b: 1, a: 2 }]]), none);
    expect(sut.modules.map((m) => m.name)).toEqual(['docker-engine', 'k3s']);
    expect(sut.modules[1]!.config).toEqual({});
    expect(composeDesiredState('inst-1', [docker, k3s], new Map([['mod-b', { a: 2, b: 1 }]]), none).version).toBe(sut.version);
    expect(composeDesiredState('inst-1', [docker], new Map(), none).version).not.toBe(sut.version);
  });

  it('carries the SDWAN interfaces and versions them too: a peer change is a new version, the same peers are not', () => {
    const sut = composeDesiredState('inst-1', [docker], new Map(), wg([]));
    expect(sut.sdwan).toEqual(wg([]));
    expect(composeDesiredState('inst-1', [docker], new Map(), wg([])).version).toBe(sut.version);
    const withHub = composeDesiredState('inst-1', [docker], new Map(), wg([hub]));
    expect(withHub.version).not.toBe(sut.version);
    expect(composeDesiredState('inst-1', [docker], new Map(), wg([{ ...hub, endpoint: '10.0.0.2:51820' }])).version).not.toBe(withHub.version);
    expect(composeDesiredState('inst-1', [docker], new Map(), none).version).not.toBe(sut.version);
  });

  it('always states `sdwan`, and without interfaces keeps the modules-only version', () => {
    const sut = composeDesiredState('inst-1', [docker], new Map(), none);
    expect(sut.sdwan).toEqual({ interfaces: [] });
    expect(sut.version).toMatch(/^[0-9a-f]{32}$/);
    expect(networkIdsOf(sut)).toEqual([]);
    expect(networkIdsOf(composeDesiredState('inst-1', [], new Map(), wg([hub])))).toEqual(['net-0000000a']);
  });

  it('gives a docker host the platform registries (sorted, once) and versions them; no registry keeps the earlier version', () => {
    const before = composeDesiredState('inst-1', [docker], new Map(), wg([]));
    const sut = composeDesiredState('inst-1', [docker], new Map(), wg([]), ['[fd00::1]:5000', '198.18.0.1:5000', '198.18.0.1:5000']);
    expect(sut.docker).toEqual({ registries: ['198.18.0.1:5000', '[fd00::1]:5000'] });
    expect(sut.version).not.toBe(before.version);
    expect(composeDesiredState('inst-1', [docker], new Map(), wg([]), ['[fd00::1]:5000', '198.18.0.1:5000']).version).toBe(sut.version);
    expect(composeDesiredState('inst-1', [docker], new Map(), wg([]), ['198.18.0.2:5000']).version).not.toBe(sut.version);
    expect(composeDesiredState('inst-1', [docker], new Map(), none, ['198.18.0.1:5000']).version).not.toBe(composeDesiredState('inst-1', [docker], new Map(), none).version);
    const unset = composeDesiredState('inst-1', [docker], new Map(), wg([]), []);
    expect(unset.docker).toEqual({ registries: [] });
    expect(unset.version).toBe(before.version);
  });

  it('gives an instance without docker no registries, so setting one does not change its version', () => {
    const sut = composeDesiredState('inst-1', [k3s], new Map(), wg([]), ['198.18.0.1:5000']);
    expect(sut.docker).toEqual({ registries: [] });
    expect(sut.version).toBe(composeDesiredState('inst-1', [k3s], new Map(), wg([])).version);
  });

  it('states what the agent contract accepts', () => {
    const sut = composeDesiredState('inst-1', [docker], new Map(), wg([]), ['198.18.0.1:5000', '[fd00::1]:5000']);
    expect(agentProtocol.desiredState.parse(sut)).toEqual(sut);
    const { docker: _omitted, ...older } = sut;
    expect(agentProtocol.desiredState.parse(older)).toEqual(older);
    expect(() => agentProtocol.desiredState.parse({ ...sut, docker: { registries: ['../../etc:5000'] } })).toThrow();
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});
