// Heartbeats and SDWAN: interfaces in the desired state, held heartbeats woken by peer changes (only those
// they concern), and the agent's WireGuard facts relayed to the sdwan service with the observed endpoint.
import { sdwanActions } from '@powernode/contracts';
import { eventually } from '@powernode/testing';
import { generateWireguardKeyPair } from '@powernode/wireguard';
import { agentRequest, testFacts } from '../../apps/handshake/src/testing/agent-client.js';
import { startHandshakePlatform, type EnrolledAgent, type HandshakePlatform } from './support/handshake-platform.js';

describe('handshake and sdwan', () => {
  let sut: HandshakePlatform;

  beforeAll(async () => {
    sut = await startHandshakePlatform({ HEARTBEAT_INTERVAL_S: '1' });
  });
  afterAll(() => sut?.destroy());

  const beat = (agent: EnrolledAgent, body: Record<string, unknown> = {}) =>
    agentRequest(sut.handshake.url, '/agent/heartbeat', agent.tls, { instance_id: agent.instanceId, wait_s: 0, facts: testFacts, ...body });
  /** The state the agent holds now, and a heartbeat held on it for `waitS`. */
  const hold = async (agent: EnrolledAgent, waitS: number) => {
    const { desired } = (await beat(agent)).body;
    return { desired, held: beat(agent, { desired_version: desired.version, wait_s: waitS }) };
  };
  /** Facts as the agent's SDWAN reconciler reports them. */
  const wireguardFacts = (publicKey: string, interfaces: { network_id: string; listen_port: number }[]) => ({
    ...testFacts,
    runtimes: { sdwan: { phase: 'ready', public_key: publicKey, interfaces: interfaces.map((i) => ({ name: 'pn-test', ...i, peers: [] })) } },
  });
  const peerOf = async (networkId: string, instanceId: string) =>
    (await sut.sdwan.call(sdwanActions.systemSdwanGetPeer, { network_id: networkId, node_instance_id: instanceId })).peer;
  const hubOf = async (networkId: string) => (await sut.sdwan.call(sdwanActions.systemSdwanGetPeer, { network_id: networkId, peer_id: 'hub' })).peer;
  /** What the handshake sees as this client's address (the URL's host), with a port: `127.0.0.1:p` or `[::1]:p`. */
  const observed = (port: number) => `${new URL(sut.handshake.url).hostname}:${port}`;

  // First in the file: the hub has no key yet.
  it('wakes a held heartbeat when its instance is attached: an interface with the peer’s /128, the hub in it once the hub has a key', async () => {
    const networkId = await sut.createNetwork('sdwan-attach');
    const agent = await sut.enrolAgent();
    const { desired, held } = await hold(agent, 3);
    expect(desired.sdwan).toEqual({ interfaces: [] });
    const peer = await sut.attachPeer(agent.instanceId, networkId);
    const attached = await held;
    expect(attached).toMatchObject({ status: 200, body: { changed: true } });
    expect(attached.body.desired.sdwan.interfaces).toEqual([expect.objectContaining({ network_id: networkId, address: `${peer.overlay_address}/128`, peers: [] })]);

    const hubKey = generateWireguardKeyPair().publicKey;
    const again = beat(agent, { desired_version: attached.body.desired.version, wait_s: 3 });
    await sut.sdwan.call(sdwanActions.sdwanReportHubWireguard, { public_key: hubKey });
    const keyed = await again;
    expect(keyed).toMatchObject({ status: 200, body: { changed: true } });
    const hub = await hubOf(networkId);
    expect(keyed.body.desired.sdwan.interfaces[0].peers).toEqual([expect.objectContaining({ public_key: hubKey, allowed_ips: [`${hub.overlay_address}/128`] })]);
  });

  it('relays the agent’s key to the sdwan service with the address it was seen at and the interface’s listen port', async () => {
    const networkId = await sut.createNetwork('sdwan-relay');
    const agent = await sut.enrolAgent();
    await sut.attachPeer(agent.instanceId, networkId);
    const { publicKey } = generateWireguardKeyPair();
    const res = await beat(agent, { facts: wireguardFacts(publicKey, [{ network_id: networkId, listen_port: 51820 }]) });
    expect(res).toMatchObject({ status: 200, body: { changed: true } });
    await eventually(async () => expect(await peerOf(networkId, agent.instanceId)).toMatchObject({ public_key: publicKey, endpoint: observed(51820) }));
  });

  it('relays the key alone while the agent has no interface yet', async () => {
    const networkId = await sut.createNetwork('sdwan-key-only');
    const agent = await sut.enrolAgent();
    await sut.attachPeer(agent.instanceId, networkId);
    const { publicKey } = generateWireguardKeyPair();
    expect((await beat(agent, { facts: wireguardFacts(publicKey, []) })).status).toBe(200);
    await eventually(async () => expect(await peerOf(networkId, agent.instanceId)).toMatchObject({ public_key: publicKey }));
    expect((await peerOf(networkId, agent.instanceId)).endpoint).toBeUndefined();
  });

  it('wakes the other instances of the network when an agent’s key arrives, and no instance of another network', async () => {
    const [networkId, elsewhere] = [await sut.createNetwork('sdwan-shared'), await sut.createNetwork('sdwan-elsewhere')];
    const [a, b, c] = [await sut.enrolAgent(), await sut.enrolAgent(), await sut.enrolAgent()];
    const peerA = await sut.attachPeer(a.instanceId, networkId);
    await sut.attachPeer(b.instanceId, networkId);
    await sut.attachPeer(c.instanceId, elsewhere);
    const heldB = await hold(b, 3);
    const heldC = await hold(c, 2);
    const allowedA = [`${peerA.overlay_address}/128`];
    expect(heldB.desired.sdwan.interfaces[0].peers).not.toContainEqual(expect.objectContaining({ allowed_ips: allowedA }));

    const { publicKey } = generateWireguardKeyPair();
    expect((await beat(a, { facts: wireguardFacts(publicKey, [{ network_id: networkId, listen_port: 51820 }]) })).status).toBe(200);
    const woken = await heldB.held;
    expect(woken).toMatchObject({ status: 200, body: { changed: true } });
    expect(woken.body.desired.sdwan.interfaces[0].peers).toContainEqual(expect.objectContaining({ public_key: publicKey, allowed_ips: allowedA }));
    expect(await heldC.held).toMatchObject({ status: 200, body: { changed: false, desired: { version: heldC.desired.version } } });
  });

  it('answers the heartbeat despite a malformed key in the facts: the peer stays pending without a key', async () => {
    const networkId = await sut.createNetwork('sdwan-bad-key');
    const agent = await sut.enrolAgent();
    await sut.attachPeer(agent.instanceId, networkId);
    const facts = wireguardFacts('not-a-wireguard-key', [{ network_id: networkId, listen_port: 51820 }]);
    const first = await beat(agent, { facts });
    expect(first).toMatchObject({ status: 200, body: { changed: true, desired: { sdwan: { interfaces: [{ network_id: networkId }] } } } });
    // Held a second: the relay of the first report (in the background) is done by then.
    expect(await beat(agent, { facts, desired_version: first.body.desired.version, wait_s: 1 })).toMatchObject({ status: 200, body: { changed: false } });
    expect(await peerOf(networkId, agent.instanceId)).toMatchObject({ status: 'pending' });
    expect((await peerOf(networkId, agent.instanceId)).public_key).toBeUndefined();
    const malformed = { ...testFacts, runtimes: { sdwan: { public_key: 'x', interfaces: 'none' } } };
    expect(await beat(agent, { facts: malformed })).toMatchObject({ status: 200 });
  });

  // Last in the file: the sdwan service stays down.
  it('fails the heartbeat while the sdwan service is down, rather than answer a state without SDWAN', async () => {
    const agent = await sut.enrolAgent();
    await sut.attachPeer(agent.instanceId);
    expect((await beat(agent)).body.desired.sdwan.interfaces).toHaveLength(1);
    await sut.stopSdwan();
    expect(await beat(agent)).toMatchObject({ status: 503, body: { code: 'ServiceUnavailable' } });
  });
});
