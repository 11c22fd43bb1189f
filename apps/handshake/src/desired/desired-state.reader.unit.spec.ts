import { PlatformError } from '@powernode/contracts';
import type { HandshakeRuntime } from '../runtime.js';
import { DesiredStateReader } from './desired-state.reader.js';

const sdwan = { interfaces: [{ name: 'pn-0123456789ab', network_id: 'net-0000000a', address: 'fd00::a/128', listen_port: 51820, peers: [] }] };

type Ref = { module_id: string; name: string; version: string; runtime: string };

/**
 * A runtime whose projections hold one instance of a template with `template` modules and, optionally, docker
 * assigned to the instance directly; its sdwan service answers `answer`; its configuration names `registry` as the platform registry.
 */
function readerWith(answer: () => Promise<unknown>, template: Ref[] = [], direct?: { module_id: string; name: string; version: string }, registry?: string, host?: Record<string, unknown>) {
  const query = async (sql: string) => {
    if (sql.includes('docker_hosts')) return host ? [{ doc: host }] : [];
    if (sql.includes('desired_instances')) return [{ doc: { template_id: 'tpl-1', decommissioned: false } }];
    if (sql.includes('desired_templates')) return [{ doc: { template_id: 'tpl-1', modules: template } }];
    if (sql.includes('direct_docker_modules')) return direct ? [{ doc: { instance_id: 'inst-1', ...direct } }] : [];
    return [];
  };
  const config = { DATABASE_SCHEMA: 'handshake', ...(registry === undefined ? {} : { PLATFORM_REGISTRY_ADDR: registry }) };
  const runtime = { config, db: { query }, rpc: { callInternal: answer } } as unknown as HandshakeRuntime;
  return new DesiredStateReader(runtime);
}

describe(DesiredStateReader.name, () => {
  it('puts the sdwan service’s interfaces into the desired state', async () => {
    const sut = readerWith(async () => sdwan);
    expect((await sut.read('inst-1')).desired).toMatchObject({ instance_id: 'inst-1', modules: [], sdwan });
  });

  it('adds docker assigned to the instance directly, unless its template has a module of that name', async () => {
    const direct = { module_id: 'mod-docker-1', name: 'docker-engine', version: '1.0.0' };
    const k3s = { module_id: 'mod-k3s', name: 'k3s', version: '1.30.0', runtime: 'k3s-server' };
    const { desired } = await readerWith(async () => sdwan, [k3s], direct).read('inst-1');
    expect(desired.modules.map((m) => [m.name, m.module_id, m.runtime])).toEqual([
      ['docker-engine', 'mod-docker-1', 'docker'],
      ['k3s', 'mod-k3s', 'k3s-server'],
    ]);
    const templated = { module_id: 'mod-docker-2', name: 'docker-engine', version: '2.0.0', runtime: 'docker' };
    const both = await readerWith(async () => sdwan, [templated], direct).read('inst-1');
    expect(both.desired.modules.map((m) => m.module_id)).toEqual(['mod-docker-2']);
    expect((await readerWith(async () => sdwan).read('inst-1')).desired.version).not.toBe(desired.version);
  });

  it('names the configured platform registry in a docker host’s desired state, and none without one', async () => {
    const direct = { module_id: 'mod-docker-1', name: 'docker-engine', version: '1.0.0' };
    const { desired } = await readerWith(async () => sdwan, [], direct, '198.18.0.1:5000').read('inst-1');
    expect(desired.docker).toEqual({ registries: ['198.18.0.1:5000'] });
    const unset = await readerWith(async () => sdwan, [], direct).read('inst-1');
    expect(unset.desired.docker).toEqual({ registries: [] });
    expect(unset.desired.version).not.toBe(desired.version);
  });

  it("leaves the template's docker module out while an operator's decommission holds, and only then", async () => {
    const docker = { module_id: 'mod-docker-1', name: 'docker-engine', version: '1.0.0', runtime: 'docker' };
    const k3s = { module_id: 'mod-k3s', name: 'k3s', version: '1.30.0', runtime: 'k3s-server' };
    const held = await readerWith(async () => sdwan, [docker, k3s], undefined, undefined, { operatorHold: true, decommissioned: true }).read('inst-1');
    expect(held.desired.modules.map((m) => m.name)).toEqual(['k3s']);
    const byInstance = await readerWith(async () => sdwan, [docker, k3s], undefined, undefined, { operatorHold: false, decommissioned: true }).read('inst-1');
    expect(byInstance.desired.modules.map((m) => m.name)).toEqual(['docker-engine', 'k3s']);
  });

  it('fails when the sdwan service does, or answers nonsense: never a state without `sdwan`', async () => {
    const down = new PlatformError('ServiceUnavailable', 'service sdwan is not running');
    await expect(readerWith(() => Promise.reject(down)).read('inst-1')).rejects.toBe(down);
    await expect(readerWith(async () => ({ interfaces: 'none' })).read('inst-1')).rejects.toMatchObject({ code: 'ServiceUnavailable' });
  });
});
