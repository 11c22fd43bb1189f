import { DesiredStateCache } from './desired-state-cache.js';
import { composeDesiredState } from './desired-state.js';

const docker = { module_id: 'mod-b', name: 'docker-engine', version: '1.0.0', runtime: 'docker' };
const onNetwork = (network: string) => ({
  interfaces: [{ name: 'pn-0123456789ab', network_id: network, address: 'fd00:1:2:3::a/128', listen_port: 51820, peers: [] }],
});
const stateOf = (instanceId: string, network: string) => composeDesiredState(instanceId, [docker], new Map(), onNetwork(network));

describe(DesiredStateCache.name, () => {
  let clock: number;
  let sut: DesiredStateCache;
  beforeEach(() => {
    clock = 1_000;
    sut = new DesiredStateCache(60_000, () => clock);
    sut.set('inst-1', 'tpl-a', stateOf('inst-1', 'net-1'));
    sut.set('inst-2', 'tpl-a', stateOf('inst-2', 'net-2'));
    sut.set('inst-3', 'tpl-b', stateOf('inst-3', 'net-2'));
  });

  it('answers only for the version the agent holds', () => {
    const held = stateOf('inst-1', 'net-1');
    expect(sut.get('inst-1', held.version)).toEqual({ desired: held, templateId: 'tpl-a' });
    expect(sut.get('inst-1', 'another-version')).toBeUndefined();
    expect(sut.get('inst-9', held.version)).toBeUndefined();
  });

  it('forgets what each event may change: the instance, its template, its networks, everything', () => {
    const held = (id: string, network: string) => sut.get(id, stateOf(id, network).version) !== undefined;
    sut.forget({ kind: 's', id: 'inst-1' });
    expect([held('inst-1', 'net-1'), held('inst-2', 'net-2'), held('inst-3', 'net-2')]).toEqual([false, true, true]);
    sut.forget({ kind: 'n', id: 'net-2' });
    expect([held('inst-2', 'net-2'), held('inst-3', 'net-2')]).toEqual([false, false]);
    sut.set('inst-2', 'tpl-a', stateOf('inst-2', 'net-2'));
    sut.set('inst-3', 'tpl-b', stateOf('inst-3', 'net-2'));
    sut.forget({ kind: 't', id: 'tpl-b' });
    expect([held('inst-2', 'net-2'), held('inst-3', 'net-2')]).toEqual([true, false]);
    sut.forget({ kind: 'i', id: 'inst-2' });
    expect(sut.size).toBe(0);
    sut.set('inst-1', 'tpl-a', stateOf('inst-1', 'net-1'));
    sut.forget({ kind: 'all', id: '' });
    expect(sut.size).toBe(0);
  });

  it('keeps the network index in step when an entry is replaced: a new network, not the old one, drops it', () => {
    sut.set('inst-1', 'tpl-a', stateOf('inst-1', 'net-3'));
    sut.forget({ kind: 'n', id: 'net-1' });
    expect(sut.get('inst-1', stateOf('inst-1', 'net-3').version)).toBeDefined();
    sut.forget({ kind: 'n', id: 'net-3' });
    expect(sut.get('inst-1', stateOf('inst-1', 'net-3').version)).toBeUndefined();
  });

  it('answers no longer than the TTL, whatever the events said', () => {
    const version = stateOf('inst-1', 'net-1').version;
    clock += 60_000;
    expect(sut.get('inst-1', version)).toBeDefined();
    clock += 1;
    expect(sut.get('inst-1', version)).toBeUndefined();
    expect(sut.size).toBe(2);
  });
});
