import { sdwanActions as actions } from '@powernode/contracts';
import { contains } from './address/address-plan.js';
import { wireguardKeyPair } from './desired/wg-quick.js';
import { testPlatformEnv } from '@powernode/testing';
import { startTestSdwan, type TestSdwan } from './testing/test-sdwan.js';
import { interfaceName } from './desired/desired-state.js';

let instances = 0;
const newInstance = () => `inst-${process.pid.toString(16)}${(instances += 1).toString(16).padStart(4, '0')}`;
const key = () => wireguardKeyPair().publicKey;

describe('sdwan networks and peers', () => {
  let sut: TestSdwan;

  beforeAll(async () => {
    sut = await startTestSdwan(undefined, { SDWAN_ADDRESS_QUARANTINE_S: '3600' });
  });
  afterAll(() => sut?.destroy());

  const network = async (name: string, caller = 'alice') => (await sut.call(actions.systemSdwanCreateNetwork, { name }, { caller })).network;

  it('creates networks as /64s of one installation /48, the hub at ::1; an explicit prefix must be a ULA /64', async () => {
    const a = await network('a');
    const b = await network('b');
    expect(a.prefix).toMatch(/^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/64$/);
    const installation48 = (await sut.sdwan.installation.load()).prefix;
    expect(contains(installation48, a.prefix.replace('/64', ''))).toBe(true);
    expect(contains(installation48, b.prefix.replace('/64', ''))).toBe(true);
    expect(a.prefix).not.toBe(b.prefix);
    expect(a.hub_address).toBe(a.prefix.replace('::/64', '::1'));
    const explicit = await sut.call(actions.systemSdwanCreateNetwork, { name: 'x', prefix: 'fd12:3456:789a:1::/64' }, { caller: 'alice' });
    expect(explicit.network.prefix).toBe('fd12:3456:789a:1::/64');
    await expect(sut.call(actions.systemSdwanCreateNetwork, { name: 'y', prefix: '2001:db8::/64' })).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(sut.call(actions.systemSdwanCreateNetwork, { name: 'y', prefix: 'fd12:3456::/48' })).rejects.toMatchObject({ code: 'InvalidInput' });
  });

  it('keeps one installation /48 across restarts, and two replicas starting together agree on it', async () => {
    const before = (await sut.sdwan.installation.load()).prefix;
    expect(await sut.sdwan.installation.ensurePrefix()).toBe(before);
    const platform = testPlatformEnv();
    const replicas = await Promise.all([startTestSdwan(platform), startTestSdwan(platform)]);
    try {
      const [a, b] = await Promise.all(replicas.map((r) => r.sdwan.installation.load()));
      expect(a!.prefix).toMatch(/^fd/);
      expect(b!.prefix).toBe(a!.prefix);
      const { events } = await replicas[0]!.runtime.store.load({ context: 'sdwan', aggregate: 'installation', id: 'installation' });
      expect(events.map((e) => e.kind)).toEqual(['system.sdwan.installation.prefix_decided']);
    } finally {
      await replicas[1]!.destroy({ keepData: true });
      await replicas[0]!.destroy();
    }
  });

  it('gives 50 concurrent attaches 50 distinct /128s inside the network /64', async () => {
    const net = await network('crowd');
    const ids = Array.from({ length: 50 }, newInstance);
    const replies = await Promise.all(ids.map((id) => sut.call(actions.systemSdwanAttachPeer, { network_id: net.id, node_instance_id: id })));
    const addresses = new Set(replies.map((r) => r.peer.overlay_address));
    expect(addresses.size).toBe(50);
    for (const address of addresses) expect(contains(net.prefix, address)).toBe(true);
    expect(addresses.has(net.hub_address)).toBe(false);
    const { peers } = await sut.call(actions.systemSdwanListPeers, { network_id: net.id });
    expect(peers.filter((p: { role: string }) => p.role === 'node')).toHaveLength(50);
  });

  it('attaching twice returns the existing peer and appends nothing', async () => {
    const net = await network('twice');
    const id = newInstance();
    const first = await sut.call(actions.systemSdwanAttachPeer, { network_id: net.id, node_instance_id: id });
    const messages = await sut.streamMessages();
    const again = await sut.call(actions.systemSdwanAttachPeer, { network_id: net.id, node_instance_id: id });
    expect(again).toEqual({ peer: first.peer, attached: false });
    expect(await sut.streamMessages()).toBe(messages);
    // The tutorial's Step 1 shape.
    const { peers } = await sut.call(actions.systemSdwanListPeers, { network_id: net.id });
    expect(peers).toContainEqual(expect.objectContaining({ id: first.peer.id, node_instance_id: id, overlay_address: first.peer.overlay_address, role: 'node', status: 'pending' }));
    expect(first.peer.overlay_address).not.toMatch(/\//);
  });

  it('quarantines a detached address: attaching again gets another one', async () => {
    const net = await network('quarantine');
    const id = newInstance();
    const first = (await sut.call(actions.systemSdwanAttachPeer, { network_id: net.id, node_instance_id: id })).peer;
    const detached = await sut.call(actions.systemSdwanDetachPeer, { network_id: net.id, node_instance_id: id });
    expect(detached).toMatchObject({ detached: true, peer: { id: first.id, detached_at: expect.any(String) } });
    const second = (await sut.call(actions.systemSdwanAttachPeer, { network_id: net.id, node_instance_id: id })).peer;
    expect(second.id).not.toBe(first.id);
    expect(second.overlay_address).not.toBe(first.overlay_address);
    const { events } = await sut.runtime.store.load({ context: 'sdwan', aggregate: 'network', id: net.id });
    const quarantined = events.find((e) => e.kind === 'system.sdwan.peer.detached')!;
    expect(Date.parse(String(quarantined.data.quarantined_until)) - Date.parse(quarantined.occurred_at)).toBeGreaterThanOrEqual(3600_000 - 1000);
    // (The decider refusing a quarantined candidate outright is in network.decide.unit.spec.ts.)
  });

  it('accepts a node key from its agent, refuses a malformed one (the peer stays pending), and derives status from handshakes', async () => {
    const net = await network('keys');
    const id = newInstance();
    await sut.call(actions.systemSdwanAttachPeer, { network_id: net.id, node_instance_id: id });
    for (const bad of ['not-a-key', Buffer.alloc(31).toString('base64'), 'A'.repeat(44)]) {
      await expect(sut.call(actions.sdwanReportNodeWireguard, { instance_id: id, public_key: bad })).rejects.toMatchObject({ code: 'InvalidInput' });
    }
    const pending = await sut.call(actions.systemSdwanGetPeer, { network_id: net.id, node_instance_id: id });
    expect(pending.peer).toMatchObject({ status: 'pending' });
    expect(pending.peer.public_key).toBeUndefined();
    const publicKey = key();
    const now = Math.floor(Date.now() / 1000);
    const { peers } = await sut.call(actions.sdwanReportNodeWireguard, { instance_id: id, public_key: publicKey, endpoint: '[fd5e:7e57::2]:51820', latest_handshakes: { [key()]: now } });
    expect(peers).toEqual([expect.objectContaining({ public_key: publicKey, endpoint: '[fd5e:7e57::2]:51820', status: 'active' })]);
  });

  it('refuses a network of another account with 403, to non-admins', async () => {
    const net = await network('bobs', 'bob');
    const asAlice = { caller: 'alice', roles: ['operator'] };
    await expect(sut.call(actions.systemSdwanAttachPeer, { network_id: net.id, node_instance_id: newInstance() }, asAlice)).rejects.toMatchObject({ code: 'PermissionDenied' });
    await expect(sut.call(actions.systemSdwanListPeers, { network_id: net.id }, asAlice)).rejects.toMatchObject({ code: 'PermissionDenied' });
    await expect(sut.call(actions.systemSdwanAttachPeer, { network_id: net.id, node_instance_id: newInstance() }, { caller: 'bob', roles: ['operator'] })).resolves.toMatchObject({ attached: true });
    const listed = await sut.call(actions.systemSdwanListNetworks, {}, asAlice);
    expect(listed.networks.map((n: { id: string }) => n.id)).not.toContain(net.id);
  });

  it('gives each instance the keyed peers of its own networks only, with /128 AllowedIPs', async () => {
    const a = await network('desired-a');
    const b = await network('desired-b');
    const [n1, n2, n3, n4] = [newInstance(), newInstance(), newInstance(), newInstance()];
    const keys = new Map<string, string>();
    for (const [net, id, keyed] of [[a, n1, true], [a, n2, true], [b, n3, true], [a, n4, false]] as const) {
      await sut.call(actions.systemSdwanAttachPeer, { network_id: net.id, node_instance_id: id });
      if (keyed) {
        keys.set(id, key());
        await sut.call(actions.sdwanReportNodeWireguard, { instance_id: id, public_key: keys.get(id) });
      }
    }
    const hubKey = key();
    await sut.call(actions.sdwanReportHubWireguard, { public_key: hubKey, endpoint: '[fd5e:7e57::1]:51820' });
    const sutDesired = await sut.call(actions.sdwanDesiredForInstance, { instance_id: n1 });
    expect(sutDesired.interfaces).toHaveLength(1);
    const [iface] = sutDesired.interfaces;
    const { peer: own } = await sut.call(actions.systemSdwanGetPeer, { network_id: a.id, node_instance_id: n1 });
    expect(iface).toMatchObject({ name: interfaceName(a.id, own.id), network_id: a.id, listen_port: 51820 });
    expect(iface.address).toMatch(/\/128$/);
    expect(iface.peers.map((p: { public_key: string }) => p.public_key).sort()).toEqual([hubKey, keys.get(n2)].sort());
    for (const p of iface.peers) {
      expect(p.allowed_ips).toHaveLength(1);
      expect(p.allowed_ips[0]).toMatch(/\/128$/);
      expect(contains(a.prefix, p.allowed_ips[0].replace('/128', ''))).toBe(true);
      expect(p.persistent_keepalive).toBe(25);
    }
    expect(iface.peers.find((p: { public_key: string }) => p.public_key === hubKey)).toMatchObject({ allowed_ips: [`${a.hub_address}/128`], endpoint: expect.stringMatching(/^\[fd5e:7e57::1\]:\d+$/) });
    const hub = await sut.call(actions.sdwanDesiredForHub, {});
    const hubA = hub.interfaces.find((i: { network_id: string }) => i.network_id === a.id);
    expect(hubA.address).toBe(`${a.hub_address}/128`);
    expect(hubA.peers.map((p: { public_key: string }) => p.public_key).sort()).toEqual([keys.get(n1), keys.get(n2)].sort());
    expect(new Set(hub.interfaces.map((i: { name: string }) => i.name)).size).toBe(hub.interfaces.length);
    expect(new Set(hub.interfaces.map((i: { listen_port: number }) => i.listen_port)).size).toBe(hub.interfaces.length);
    expect(await sut.call(actions.sdwanInstancesWithoutPeer, { instance_ids: [n1, 'inst-ffffffff'] })).toEqual({ instance_ids: ['inst-ffffffff'] });
  });
});
