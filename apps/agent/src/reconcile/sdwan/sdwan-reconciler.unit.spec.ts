import { wireguardPublicKey, type InterfaceStatus, type WireguardInterfaceConfig } from '@powernode/wireguard';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SdwanReconciler, type WireguardOps } from './sdwan-reconciler.js';

// Fake WireGuard operations: the real ones are covered by libs/wireguard's integration tests.
function fakeWireguard() {
  const interfaces = new Map<string, WireguardInterfaceConfig>();
  const removed: string[] = [];
  const ops: WireguardOps = {
    ensureInterface: async (config) => {
      interfaces.set(config.name, config);
      return { backend: 'userspace', changes: [] };
    },
    removeInterface: async (name) => {
      interfaces.delete(name);
      removed.push(name);
    },
    interfaceStatus: async (name): Promise<InterfaceStatus> => {
      const config = interfaces.get(name)!;
      return {
        backend: 'userspace',
        privateKey: null,
        publicKey: wireguardPublicKey(config.privateKey),
        listenPort: config.listenPort,
        peers: config.peers.map((p) => ({ publicKey: p.publicKey, endpoint: p.endpoint ?? null, allowedIps: p.allowedIps, latestHandshake: null, transferRx: 0, transferTx: 0, persistentKeepalive: null })),
      };
    },
  };
  return { ops, interfaces, removed };
}

const PEER = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const desiredWith = (names: string[]) => ({
  instance_id: 'inst_1',
  version: '1',
  modules: [],
  sdwan: { interfaces: names.map((name) => ({ name, network_id: `net_${name}`, address: 'fd77:aaaa::5/128', listen_port: 51820, peers: [{ public_key: PEER, allowed_ips: ['fd77:aaaa::1/128'] }] })) },
});

describe(SdwanReconciler.name, () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'sdwan-reconciler-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('generates the key pair on the node once (0600) and reports only the public key', async () => {
    const wireguard = fakeWireguard();
    const sut = new SdwanReconciler(stateDir, wireguard.ops);
    const first = await sut.reconcile({ instance_id: 'inst_1', version: '1', modules: [] });
    const keyFile = join(stateDir, 'sdwan', 'wireguard.key');
    const privateKey = (await readFile(keyFile, 'utf8')).trim();
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(first).toEqual({ phase: 'ready', public_key: wireguardPublicKey(privateKey), interfaces: [] });
    expect(JSON.stringify(first)).not.toContain(privateKey);
    const again = await new SdwanReconciler(stateDir, wireguard.ops).reconcile({ instance_id: 'inst_1', version: '2', modules: [] });
    expect(again.public_key).toBe(first.public_key);
  });

  it('ensures desired interfaces, removes the ones it created that are gone, and reports their peers', async () => {
    const wireguard = fakeWireguard();
    const sut = new SdwanReconciler(stateDir, wireguard.ops);
    const facts = await sut.reconcile(desiredWith(['pn-a', 'pn-b']));
    expect(facts).toMatchObject({
      phase: 'ready',
      interfaces: [
        { name: 'pn-a', network_id: 'net_pn-a', listen_port: 51820, peers: [{ public_key: PEER, endpoint: null, latest_handshake: null }] },
        { name: 'pn-b', network_id: 'net_pn-b' },
      ],
    });
    expect([...wireguard.interfaces.keys()]).toEqual(['pn-a', 'pn-b']);

    await new SdwanReconciler(stateDir, wireguard.ops).reconcile(desiredWith(['pn-b']));
    expect(wireguard.removed).toEqual(['pn-a']);
    expect(JSON.parse(await readFile(join(stateDir, 'sdwan', 'interfaces.json'), 'utf8'))).toEqual({ interfaces: ['pn-b'] });
  });

  it('reports a malformed sdwan part as an error that still carries the public key', async () => {
    const sut = new SdwanReconciler(stateDir, fakeWireguard().ops);
    const facts = await sut.reconcile({ instance_id: 'inst_1', version: '1', modules: [], sdwan: { interfaces: 'nope' } } as never);
    expect(facts).toMatchObject({ phase: 'error', interfaces: [] });
    expect(facts.public_key).toEqual(expect.any(String));
  });

  it('isolates a failing interface: the others are still ensured, the failure is named, it stays tracked', async () => {
    const wireguard = fakeWireguard();
    const ops: WireguardOps = { ...wireguard.ops, ensureInterface: async (config) => (config.name === 'pn-a' ? Promise.reject(new Error('boom')) : wireguard.ops.ensureInterface(config)) };
    const facts = await new SdwanReconciler(stateDir, ops).reconcile(desiredWith(['pn-a', 'pn-b']));
    expect(facts).toMatchObject({ phase: 'degraded', errors: ['pn-a: boom'], interfaces: [{ name: 'pn-b' }] });
    expect(JSON.parse(await readFile(join(stateDir, 'sdwan', 'interfaces.json'), 'utf8'))).toEqual({ interfaces: ['pn-a', 'pn-b'] });
  });
});
