import { canonicalJson, composeDesiredState } from './desired-state.js';

const docker = { module_id: 'mod-b', name: 'docker-engine', version: '1.0.0', runtime: 'docker' };
const k3s = { module_id: 'mod-a', name: 'k3s', version: '1.30.0', runtime: 'k3s-server' };

describe(composeDesiredState.name, () => {
  it('lists the modules by name with their config, and versions only that content', () => {
    const sut = composeDesiredState('inst-1', [k3s, docker], new Map([['mod-b', { b: 1, a: 2 }]]));
    expect(sut.modules.map((m) => m.name)).toEqual(['docker-engine', 'k3s']);
    expect(sut.modules[1]!.config).toEqual({});
    expect(composeDesiredState('inst-1', [docker, k3s], new Map([['mod-b', { a: 2, b: 1 }]])).version).toBe(sut.version);
    expect(composeDesiredState('inst-1', [docker], new Map()).version).not.toBe(sut.version);
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});
