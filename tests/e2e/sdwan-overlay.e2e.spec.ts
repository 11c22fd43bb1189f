// Issue 5 end to end: the SDWAN overlay for real. Local NodeInstances (network namespaces with real agents)
// and the platform's hub peer (`powernode-agent --role platform`, in this process's namespace, as under
// `npm start`) build WireGuard (wireguard-go) tunnels from the desired state the platform hands out; an
// operator's access grant is applied in a fresh namespace as a laptop would apply its wg-quick file.
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { catalogActions, sdwanActions } from '@powernode/contracts';
import { eventually } from '@powernode/testing';
import { ensureInterface, generateWireguardKeyPair, interfaceStatus, parseWgQuick, removeInterface } from '@powernode/wireguard';
import { startLocalPlatform, type LocalPlatform } from '../../bench/support/local-platform.js';
import { addressesFor, createAddressPlan, createUnderlay, deleteUnderlay, namesFor } from '@powernode/netns';
import { connectFrom, serveIn } from '../../libs/wireguard/src/testing/netns-lab.js';

const APP_PORT = 7_000;

interface Peer {
  id: string;
  node_instance_id?: string;
  overlay_address: string;
  role: string;
  status: string;
  public_key?: string;
  endpoint?: string;
}

describe('the SDWAN overlay over real WireGuard', () => {
  if (process.getuid?.() !== 0) throw new Error('these tests create network namespaces and WireGuard interfaces: run them as root (CI does)');
  const servers: ChildProcess[] = [];
  let local: LocalPlatform;
  let PREFIX: string;
  let stateDir: string;
  const call = (action: Parameters<LocalPlatform['sdwan']['call']>[0], input: unknown) => local.sdwan.call(action, input);

  /** The namespace of each instance by name (a1, a2 on network A; b1 on network B). */
  const ns = new Map<string, string>();
  const instanceIds = new Map<string, string>();
  const overlay = new Map<string, string>();
  let networkA: string;
  let networkB: string;

  const peers = async (networkId: string): Promise<Peer[]> => (await call(sdwanActions.systemSdwanListPeers, { network_id: networkId })).peers;
  const nodePeer = async (networkId: string, name: string) => (await peers(networkId)).find((p) => p.node_instance_id === instanceIds.get(name))!;

  beforeAll(async () => {
    local = await startLocalPlatform();
    ({ prefix: PREFIX, stateDir } = local);
    const { template } = await local.catalog.call(catalogActions.systemCreateTemplate, { name: `sdwan-${PREFIX}` });
    for (const name of ['a1', 'a2', 'b1']) {
      const { instance } = await local.catalog.call(catalogActions.systemProvisionInstance, { template_id: template.id, name });
      instanceIds.set(name, instance.id);
    }
    await eventually(
      async () => {
        const provisioned = await local.catalog.provider!.list();
        for (const [name, id] of instanceIds) ns.set(name, provisioned.find((p) => p.instanceId === id)!.namespace);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }, 120_000);

  afterAll(async () => {
    for (const server of servers) server.kill('SIGKILL');
    await local?.destroy();
  });

  it('gives two instances on network A and one on B their /128s, and every peer turns active', async () => {
    ({ network: { id: networkA } } = await call(sdwanActions.systemSdwanCreateNetwork, { name: `a-${PREFIX}` }));
    ({ network: { id: networkB } } = await call(sdwanActions.systemSdwanCreateNetwork, { name: `b-${PREFIX}` }));
    for (const [name, network] of [['a1', networkA], ['a2', networkA], ['b1', networkB]] as const) {
      const { peer } = await call(sdwanActions.systemSdwanAttachPeer, { network_id: network, node_instance_id: instanceIds.get(name) });
      overlay.set(name, peer.overlay_address);
    }
    await eventually(
      async () => {
        for (const network of [networkA, networkB]) {
          const list = await peers(network);
          expect(list.map((p) => `${p.role}:${p.status}`).sort()).toEqual(list.map((p) => `${p.role}:active`).sort());
          expect(list.filter((p) => p.role === 'node')).toHaveLength(network === networkA ? 2 : 1);
        }
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    // The platform learnt where each node is from the node's own connection, and never its private key.
    const a1 = await nodePeer(networkA, 'a1');
    expect(a1.endpoint).toMatch(/^\[fd5e:7e57:[0-9a-f:]+\]:\d+$|^198\.1[89]\.\d+\.\d+:\d+$/);
    for (const name of ['a1', 'a2', 'b1']) servers.push(await serveIn(ns.get(name), APP_PORT, `hello from ${name}`));
  }, 90_000);

  it('carries TCP between instances of one network over the overlay', async () => {
    await eventually(async () => expect(await connectFrom(ns.get('a1'), overlay.get('a2')!, APP_PORT)).toBe('hello from a2'), { timeoutMs: 20_000, intervalMs: 250 });
    await eventually(async () => expect(await connectFrom(ns.get('a2'), overlay.get('a1')!, APP_PORT)).toBe('hello from a1'), { timeoutMs: 20_000, intervalMs: 250 });
  }, 60_000);

  it('does not carry B to A, even with a route forced into the tunnel', async () => {
    expect(await connectFrom(ns.get('b1'), overlay.get('a1')!, APP_PORT)).toMatch(/^error: /);
    // A route alone is not membership: WireGuard has no peer on B for A's /128 (and A has none for B's).
    const [iface] = (await interfaceStatusesIn('b1')).filter((i) => i.network === networkB);
    await run('ip', '-n', ns.get('b1')!, '-6', 'route', 'replace', `${overlay.get('a1')}/128`, 'dev', iface!.name);
    expect(await connectFrom(ns.get('b1'), overlay.get('a1')!, APP_PORT, 2_000)).toBe('error: ETIMEDOUT');
  }, 30_000);

  it('lets the hub, in the platform namespace, reach every instance', async () => {
    for (const name of ['a1', 'a2', 'b1']) {
      await eventually(async () => expect(await connectFrom(undefined, overlay.get(name)!, APP_PORT)).toBe(`hello from ${name}`), { timeoutMs: 20_000, intervalMs: 250 });
    }
  }, 60_000);

  it('lets an access grant on A reach A and not B from a fresh namespace, and stops within a heartbeat of its revocation', async () => {
    const { grant, wireguard_config } = await call(sdwanActions.systemSdwanCreateAccessGrant, { network_id: networkA, device_name_hint: 'laptop' });
    const laptop = await laptopNamespace();
    const config = parseWgQuick(wireguard_config);
    expect(config.privateKey).not.toBe(generateWireguardKeyPair().privateKey);
    // The node peers of A only, each with its endpoint; nothing of B.
    const allowed = config.peers.flatMap((p) => p.allowedIps);
    for (const name of ['a1', 'a2']) expect(allowed).toContain(`${overlay.get(name)}/128`);
    expect(allowed).not.toContain(`${overlay.get('b1')}/128`);

    const name = `pn-${randomBytes(6).toString('hex')}`;
    await ensureInterface({ name, netns: laptop, listenPort: 40_000 + Math.floor(Math.random() * 1_000), address: config.address, privateKey: config.privateKey, peers: config.peers });
    try {
      for (const node of ['a1', 'a2']) {
        await eventually(async () => expect(await connectFrom(laptop, overlay.get(node)!, APP_PORT)).toBe(`hello from ${node}`), { timeoutMs: 30_000, intervalMs: 250 });
      }
      await run('ip', '-n', laptop, '-6', 'route', 'replace', `${overlay.get('b1')}/128`, 'dev', name);
      expect(await connectFrom(laptop, overlay.get('b1')!, APP_PORT, 2_000)).toBe('error: ETIMEDOUT');

      const revokedAt = Date.now();
      await call(sdwanActions.systemSdwanRevokeAccessGrant, { grant_id: grant.id });
      const devicePublicKey = (await interfaceStatus(name, laptop)).publicKey;
      // Every node drops the device from its peer list on its next heartbeat (the long-poll answers at once).
      await eventually(
        async () => {
          for (const node of ['a1', 'a2']) expect((await interfaceStatusesIn(node)).flatMap((i) => i.peers)).not.toContain(devicePublicKey);
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      console.log(`access grant revoked: off every node's peer list after ${Date.now() - revokedAt} ms (heartbeat interval 1 s)`);
      expect(await connectFrom(laptop, overlay.get('a1')!, APP_PORT, 2_000)).toBe('error: ETIMEDOUT');
    } finally {
      await removeInterface(name, laptop);
      await deleteUnderlay(namesFor(PREFIX, 'inst-laptop'));
    }
  }, 90_000);

  it('stops the tunnels of a decommissioned instance with it', async () => {
    const interfaces = await interfaceStatusesIn('a2');
    expect(interfaces.length).toBeGreaterThan(0);
    await local.catalog.call(catalogActions.systemDecommissionInstance, { id: instanceIds.get('a2') });
    await eventually(
      async () => {
        const running = (await run('ps', '-eo', 'args')).split('\n').filter((line) => /wireguard-go/.test(line));
        for (const i of interfaces) expect(running.filter((line) => line.endsWith(` ${i.name}`))).toEqual([]);
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    // The hub stops carrying the detached peer's /128 once the platform drops it.
    await eventually(async () => expect(await connectFrom(undefined, overlay.get('a2')!, APP_PORT, 1_000)).toMatch(/^error: /), { timeoutMs: 20_000, intervalMs: 250 });
  }, 60_000);

  /** The WireGuard interfaces inside an instance's namespace, with their network and peer keys. */
  async function interfaceStatusesIn(name: string): Promise<{ name: string; network: string; peers: string[] }[]> {
    const desiredFile = join(stateDir, 'instances', instanceIds.get(name)!, 'agent', 'desired.json');
    const desired = JSON.parse(await readFile(desiredFile, 'utf8')) as { sdwan?: { interfaces: { name: string; network_id: string }[] } };
    const out = [];
    for (const i of desired.sdwan?.interfaces ?? []) {
      const status = await interfaceStatus(i.name, ns.get(name));
      out.push({ name: i.name, network: i.network_id, peers: status.peers.map((p) => p.publicKey) });
    }
    return out;
  }

  /** A namespace with nothing but an underlay to the host, like an operator's laptop on the same LAN. */
  async function laptopNamespace(): Promise<string> {
    const names = namesFor(PREFIX, 'inst-laptop');
    // Far from the indexes the provider hands out (lowest free first).
    await createUnderlay(names, addressesFor(createAddressPlan('fd5e:7e57::/48', '198.18.0.0/15'), 4_000));
    return names.namespace;
  }
});

function run(command: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile(command, args, (error, stdout, stderr) => (error ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout))));
}
