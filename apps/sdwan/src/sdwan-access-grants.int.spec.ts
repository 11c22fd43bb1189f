import { sdwanActions as actions } from '@powernode/contracts';
import { contains } from './address/address-plan.js';
import { wireguardKeyPair } from './desired/wg-quick.js';
import { startTestSdwan, type TestSdwan } from './testing/test-sdwan.js';

/** Sections of a wg-quick file: `[Name]` then `Key = value` lines. */
function parseWgQuick(text: string): { section: string; values: Record<string, string> }[] {
  const sections: { section: string; values: Record<string, string> }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[(Interface|Peer)\]$/.exec(line);
    if (header) {
      sections.push({ section: header[1]!, values: {} });
      continue;
    }
    const kv = /^([A-Za-z]+)\s*=\s*(.+)$/.exec(line);
    if (!kv || !sections.length) throw new Error(`not wg-quick: ${line}`);
    sections[sections.length - 1]!.values[kv[1]!] = kv[2]!;
  }
  return sections;
}

describe('sdwan access grants', () => {
  let sut: TestSdwan;
  let net: { id: string; prefix: string; hub_address: string };
  const hubKey = wireguardKeyPair().publicKey;
  const nodeKey = wireguardKeyPair().publicKey;
  const nodeId = `inst-${process.pid.toString(16)}0001`;

  beforeAll(async () => {
    sut = await startTestSdwan(undefined, { SDWAN_BOOTSTRAP_TTL_S: '2' });
    net = (await sut.call(actions.systemSdwanCreateNetwork, { name: 'grants' }, { caller: 'alice' })).network;
    await sut.call(actions.systemSdwanAttachPeer, { network_id: net.id, node_instance_id: nodeId });
    await sut.call(actions.sdwanReportNodeWireguard, { instance_id: nodeId, public_key: nodeKey, endpoint: '[fd5e:7e57::2]:51820' });
    await sut.call(actions.sdwanReportHubWireguard, { public_key: hubKey, endpoint: '[fd5e:7e57::1]:51820' });
  });
  afterAll(() => sut?.destroy());

  const grantOf = (config: string) => parseWgQuick(config);

  it('returns a wg-quick config once: the device /128, a Peer per hub and node with its /128; the private key is stored nowhere', async () => {
    const created = await sut.call(actions.systemSdwanCreateAccessGrant, { network_id: net.id, device_name_hint: 'Ops Laptop' }, { caller: 'alice' });
    expect(created.grant).toMatchObject({ id: expect.stringMatching(/^grant-/), network_id: net.id, device_name: 'ops-laptop', expires_at: expect.any(String) });
    expect(Date.parse(created.grant.expires_at) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect(contains(net.prefix, created.grant.overlay_address)).toBe(true);
    const sections = grantOf(created.wireguard_config);
    expect(sections[0]).toEqual({ section: 'Interface', values: { Address: `${created.grant.overlay_address}/128`, PrivateKey: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) } });
    const peers = sections.filter((s) => s.section === 'Peer').map((s) => s.values);
    expect(peers).toHaveLength(2);
    expect(peers).toContainEqual({ PublicKey: hubKey, AllowedIPs: `${net.hub_address}/128`, Endpoint: '[fd5e:7e57::1]:51820', PersistentKeepalive: '25' });
    expect(peers).toContainEqual(expect.objectContaining({ PublicKey: nodeKey, Endpoint: '[fd5e:7e57::2]:51820', PersistentKeepalive: '25' }));
    for (const p of peers) expect(p.AllowedIPs).toMatch(/^[0-9a-f:]+\/128$/);

    const privateKey = sections[0]!.values.PrivateKey!;
    expect(await sut.streamText()).not.toContain(privateKey);
    const schema = sut.config.DATABASE_SCHEMA;
    const tables: { table_name: string }[] = await sut.runtime.db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
    for (const { table_name } of tables) {
      const [{ found }] = await sut.runtime.db.query(`SELECT count(*)::int AS found FROM "${schema}"."${table_name}" t WHERE t::text LIKE $1`, [`%${privateKey}%`]);
      expect({ table_name, found }).toEqual({ table_name, found: 0 });
    }

    // The device appears in the hub's and the node's desired state until it is revoked.
    const devicePeer = (d: { interfaces: { network_id: string; peers: { allowed_ips: string[] }[] }[] }) =>
      d.interfaces.find((i) => i.network_id === net.id)?.peers.some((p) => p.allowed_ips[0] === `${created.grant.overlay_address}/128`);
    expect(devicePeer(await sut.call(actions.sdwanDesiredForHub, {}))).toBe(true);
    expect(devicePeer(await sut.call(actions.sdwanDesiredForInstance, { instance_id: nodeId }))).toBe(true);
    const revoked = await sut.call(actions.systemSdwanRevokeAccessGrant, { grant_id: created.grant.id }, { caller: 'alice' });
    expect(revoked).toMatchObject({ revoked: true, grant: { status: 'revoked' } });
    expect(devicePeer(await sut.call(actions.sdwanDesiredForHub, {}))).toBe(false);
    expect(devicePeer(await sut.call(actions.sdwanDesiredForInstance, { instance_id: nodeId }))).toBe(false);
    expect(await sut.call(actions.systemSdwanRevokeAccessGrant, { grant_id: created.grant.id })).toMatchObject({ revoked: false });
    const { grants } = await sut.call(actions.systemSdwanListAccessGrants, { network_id: net.id, include_inactive: true });
    expect(grants).toContainEqual(expect.objectContaining({ id: created.grant.id, status: 'revoked' }));
  });

  it('refuses a TTL beyond the maximum with InvalidInput', async () => {
    await expect(sut.call(actions.systemSdwanCreateAccessGrant, { network_id: net.id, device_name_hint: 'x', ttl: '31d' })).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(sut.call(actions.systemSdwanCreateAccessGrant, { network_id: net.id, device_name_hint: 'x', ttl: 'forever' })).rejects.toMatchObject({ code: 'InvalidInput' });
  });

  it('serves a bootstrap URL once as text/plain, then 410; the token is stored only as its hash', async () => {
    const issued = await sut.call(actions.systemSdwanIssueUserDevice, { network_id: net.id, device_name_hint: 'phone' }, { caller: 'alice' });
    expect(issued.bootstrap_url).toMatch(new RegExp(`^${sut.httpUrl}/sdwan/device/[A-Za-z0-9_-]{43}$`));
    const token = issued.bootstrap_url.split('/').pop();
    expect(await sut.streamText()).not.toContain(token);
    // Before the fetch the device has no key, so nobody configures it.
    const hubBefore = await sut.call(actions.sdwanDesiredForHub, {});
    expect(hubBefore.interfaces.find((i: { network_id: string }) => i.network_id === net.id).peers.map((p: { allowed_ips: string[] }) => p.allowed_ips[0])).not.toContain(`${issued.grant.overlay_address}/128`);

    const first = await fetch(issued.bootstrap_url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/plain/);
    const config = await first.text();
    const sections = grantOf(config);
    expect(sections[0]!.values.Address).toBe(`${issued.grant.overlay_address}/128`);
    expect(await sut.streamText()).not.toContain(sections[0]!.values.PrivateKey);
    expect((await fetch(issued.bootstrap_url)).status).toBe(410);
    expect((await fetch(`${sut.httpUrl}/sdwan/device/${'A'.repeat(43)}`)).status).toBe(404);
    const hubAfter = await sut.call(actions.sdwanDesiredForHub, {});
    expect(hubAfter.interfaces.find((i: { network_id: string }) => i.network_id === net.id).peers.map((p: { allowed_ips: string[] }) => p.allowed_ips[0])).toContain(`${issued.grant.overlay_address}/128`);
  });

  it('expires a bootstrap URL after its TTL (2 s here): 410, and the sweeper records access_grant.expired', async () => {
    const issued = await sut.call(actions.systemSdwanIssueUserDevice, { network_id: net.id, device_name_hint: 'late' });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await fetch(issued.bootstrap_url)).status).toBe(410);
    expect(await sut.sdwan.grants.sweepExpired()).toContain(issued.grant.id);
    const { events } = await sut.runtime.store.load({ context: 'sdwan', aggregate: 'access_grant', id: issued.grant.id });
    expect(events.map((e) => e.kind)).toEqual(['system.sdwan.access_grant.created', 'system.sdwan.access_grant.expired']);
  });

  it('expires a grant at the end of its TTL and drops the device from every peer list', async () => {
    const created = await sut.call(actions.systemSdwanCreateAccessGrant, { network_id: net.id, device_name_hint: 'short', ttl: '1h' });
    expect(await sut.sdwan.grants.sweepExpired(new Date(Date.now() + 30 * 60_000))).not.toContain(created.grant.id);
    expect(await sut.sdwan.grants.sweepExpired(new Date(Date.now() + 61 * 60_000))).toContain(created.grant.id);
    const hub = await sut.call(actions.sdwanDesiredForHub, {});
    expect(hub.interfaces.find((i: { network_id: string }) => i.network_id === net.id).peers.map((p: { allowed_ips: string[] }) => p.allowed_ips[0])).not.toContain(`${created.grant.overlay_address}/128`);
  });
});
