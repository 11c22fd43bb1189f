import { agentProtocol } from '@powernode/contracts';
import fc from 'fast-check';
import type { AssignedModuleRef } from './catalog-views.projection.js';
import { composeDesiredState, type DesiredSdwan } from './desired-state.js';

type Config = Record<string, unknown>;
interface Input {
  assigned: AssignedModuleRef[];
  configs: Map<string, Config>;
  sdwan: DesiredSdwan;
  registries: string[];
}

const text = fc.string({ minLength: 1, maxLength: 12 });
const config: fc.Arbitrary<Config> = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const peer = fc.record(
  { public_key: text, allowed_ips: fc.array(text, { maxLength: 2 }), endpoint: text, persistent_keepalive: fc.integer({ min: 0, max: 65535 }) },
  { requiredKeys: ['public_key', 'allowed_ips'] },
);
const sdwan: fc.Arbitrary<DesiredSdwan> = fc.record({
  interfaces: fc.array(fc.record({ name: text, network_id: text, address: text, listen_port: fc.integer({ min: 1, max: 65535 }), peers: fc.array(peer, { maxLength: 2 }) }), {
    maxLength: 2,
  }),
});
const registry = fc.oneof(
  fc.tuple(fc.ipV4(), fc.integer({ min: 1, max: 65535 })).map(([ip, port]) => `${ip}:${port}`),
  fc.tuple(fc.ipV6().filter((ip) => !ip.includes('.')), fc.integer({ min: 1, max: 65535 })).map(([ip, port]) => `[${ip}]:${port}`),
);
const input: fc.Arbitrary<Input> = fc
  .uniqueArray(
    fc.record({ module_id: text.map((s) => `mod-${s}`), name: fc.constantFrom('docker-engine', 'k3s', 'tools', 'a', 'b'), version: text, runtime: fc.constantFrom('docker', 'k3s-server', 'systemd') }),
    { selector: (m) => m.module_id, maxLength: 4 },
  )
  .chain((assigned) =>
    fc.record({
      assigned: fc.constant(assigned),
      configs: fc.array(config, { minLength: assigned.length, maxLength: assigned.length }).map((cs) => new Map(assigned.map((m, i) => [m.module_id, cs[i]!]))),
      sdwan,
      registries: fc.array(registry, { maxLength: 3 }),
    }),
  );

const compose = (i: Input, instanceId = 'inst-1') => composeDesiredState(instanceId, i.assigned, i.configs, i.sdwan, i.registries);
const isDockerHost = (i: Input) => i.assigned.some((m) => m.runtime === 'docker');

/** The same JSON with the keys of every object in reverse insertion order. */
function reorderKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reorderKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reorderKeys(v)]));
}

describe(`${composeDesiredState.name} properties`, () => {
  it('states what the agent contract accepts, with a 32-hex version', () => {
    fc.assert(
      fc.property(input, (i) => {
        const sut = compose(i);
        expect(agentProtocol.desiredState.safeParse(sut).success).toBe(true);
        expect(sut.version).toMatch(/^[0-9a-f]{32}$/);
        expect(sut.modules.map((m) => m.name)).toEqual([...sut.modules.map((m) => m.name)].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('versions content only: module order, config key order, registry order and repeats, and the instance id change nothing', () => {
    fc.assert(
      fc.property(input, fc.nat(), (i, seed) => {
        const shuffled = [...i.assigned].sort((a, b) => ((a.module_id.length * 31 + seed) % 7) - ((b.module_id.length * 31 + seed) % 7)).reverse();
        const same: Input = {
          assigned: shuffled.map((m) => reorderKeys(m) as AssignedModuleRef),
          configs: new Map([...i.configs].reverse().map(([k, v]) => [k, reorderKeys(v) as Config])),
          sdwan: reorderKeys(i.sdwan) as DesiredSdwan,
          registries: [...i.registries, ...i.registries].reverse(),
        };
        const sut = compose(i);
        expect(compose(same, 'inst-2').version).toBe(sut.version);
        expect(compose(i).version).toBe(sut.version);
      }),
      { numRuns: 300 },
    );
  });

  it('changes the version when anything an agent runs changes', () => {
    const change = fc.oneof(
      fc.constant('module-version' as const),
      fc.constant('module-config' as const),
      fc.constant('module-added' as const),
      fc.constant('module-removed' as const),
      fc.constant('interface' as const),
      fc.constant('peer' as const),
      fc.constant('registry' as const),
    );
    fc.assert(
      fc.property(input, change, text, (i, kind, value) => {
        const [first] = i.assigned;
        let changed: Input;
        switch (kind) {
          case 'module-version':
            fc.pre(first !== undefined);
            changed = { ...i, assigned: i.assigned.map((m) => (m === first ? { ...m, version: `${m.version}+${value}` } : m)) };
            break;
          case 'module-config':
            fc.pre(first !== undefined && !(`changed-${value}` in i.configs.get(first.module_id)!));
            changed = { ...i, configs: new Map(i.configs).set(first!.module_id, { ...i.configs.get(first!.module_id), [`changed-${value}`]: value }) };
            break;
          case 'module-added':
            changed = { ...i, assigned: [...i.assigned, { module_id: `mod-new-${value}`, name: 'added', version: '1', runtime: 'systemd' }] };
            break;
          case 'module-removed':
            fc.pre(first !== undefined);
            changed = { ...i, assigned: i.assigned.slice(1) };
            break;
          case 'interface':
            changed = { ...i, sdwan: { interfaces: [...i.sdwan.interfaces, { name: `pn-${value}`, network_id: 'net-x', address: 'fd00::2/128', listen_port: 51820, peers: [] }] } };
            break;
          case 'peer': {
            fc.pre(i.sdwan.interfaces.length > 0);
            const [head, ...rest] = i.sdwan.interfaces;
            changed = { ...i, sdwan: { interfaces: [{ ...head!, peers: [...head!.peers, { public_key: value, allowed_ips: [] }] }, ...rest] } };
            break;
          }
          case 'registry':
            // Only a docker host pulls images: a registry is part of its desired state alone.
            fc.pre(isDockerHost(i));
            changed = { ...i, registries: [...i.registries, '198.51.100.7:5000'] };
            fc.pre(!i.registries.includes('198.51.100.7:5000'));
            break;
        }
        expect(compose(changed).version).not.toBe(compose(i).version);
      }),
      { numRuns: 400 },
    );
  });

  it('gives registries only to docker hosts, so they never change the version of any other instance', () => {
    fc.assert(
      fc.property(input, fc.array(registry, { minLength: 1, maxLength: 3 }), (i, registries) => {
        fc.pre(!isDockerHost(i));
        const sut = compose({ ...i, registries });
        expect(sut.docker).toEqual({ registries: [] });
        expect(sut.version).toBe(compose({ ...i, registries: [] }).version);
      }),
      { numRuns: 200 },
    );
  });
});
