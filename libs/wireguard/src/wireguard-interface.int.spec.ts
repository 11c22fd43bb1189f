import { eventually } from '@powernode/testing';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { WireguardInterfaceConfig } from './config.js';
import { generateWireguardKeyPair, type WireguardKeyPair } from './keys.js';
import { isAlive } from './processes.js';
import { NetnsLab, requireRoot, sh } from './testing/netns-lab.js';
import { socketPath } from './uapi-socket.js';
import { ensureInterface, interfaceStatus, removeInterface, wireguardGoPid } from './wireguard-interface.js';

// Three hosts on one bridged underlay: a1 and a2 on overlay network A, b1 on network B. b1 is configured as
// an intruder that knows a1's key and endpoint; a1 does not list b1, so b1 must not get through.
const WG_PORT = 51820;
const APP_PORT = 7000;
const OVERLAY = { a1: 'fd77:aaaa::1', a2: 'fd77:aaaa::2', b1: 'fd77:bbbb::1' } as const;

describe('WireguardInterface (real wireguard-go in network namespaces)', () => {
  const lab = new NetnsLab();
  const keys: Record<string, WireguardKeyPair> = {};
  let underlay: Map<string, string>;
  const config = {} as Record<'a1' | 'a2' | 'b1', WireguardInterfaceConfig>;

  const peer = (host: 'a1' | 'a2') => ({
    publicKey: keys[host]!.publicKey,
    allowedIps: [`${OVERLAY[host]}/128`],
    endpoint: `${underlay.get(host)!}:${WG_PORT}`,
    persistentKeepalive: 25,
  });

  beforeAll(async () => {
    requireRoot();
    await NetnsLab.sweepLeftovers();
    underlay = await lab.create(['a1', 'a2', 'b1']);
    for (const host of ['a1', 'a2', 'b1']) keys[host] = generateWireguardKeyPair();
    const base = (host: 'a1' | 'a2' | 'b1') => ({ name: lab.ns(host), netns: lab.ns(host), privateKey: keys[host]!.privateKey, listenPort: WG_PORT, address: `${OVERLAY[host]}/128` });
    config.a1 = { ...base('a1'), peers: [peer('a2')] };
    config.a2 = { ...base('a2'), peers: [peer('a1')] };
    config.b1 = { ...base('b1'), peers: [peer('a1')] };
    for (const host of ['a1', 'a2', 'b1'] as const) await ensureInterface(config[host]);
    await lab.serve('a1', APP_PORT);
  });

  afterAll(async () => {
    await lab.destroy();
  });

  it('derives the same public key as `wg pubkey`', async () => {
    const derived = await new Promise<string>((resolve, reject) => {
      const child = execFile('wg', ['pubkey'], (error, stdout) => (error ? reject(error) : resolve(String(stdout).trim())));
      child.stdin!.end(`${keys.a1!.privateKey}\n`);
    });
    expect(derived).toBe(keys.a1!.publicKey);
  });

  it('carries TCP between two hosts of network A over the overlay', async () => {
    await eventually(async () => expect(await lab.connect('a2', OVERLAY.a1, APP_PORT)).toBe('hello from a1'), { timeoutMs: 15_000 });
  });

  it('keeps network B out of network A although the underlay connects them', async () => {
    expect(await lab.connect('b1', underlay.get('a1')!, APP_PORT)).toBe('hello from a1');
    expect(await lab.connect('b1', OVERLAY.a1, APP_PORT, 1_500)).toBe('error: ETIMEDOUT');
  });

  it('reports the latest handshake and transfer counters after traffic, and never the private key', async () => {
    const status = await interfaceStatus(lab.ns('a1'), lab.ns('a1'));
    expect(status).toMatchObject({ backend: 'userspace', listenPort: WG_PORT, publicKey: keys.a1!.publicKey, privateKey: null });
    expect(status.peers).toHaveLength(1);
    const [a2] = status.peers;
    expect(a2).toMatchObject({ publicKey: keys.a2!.publicKey, endpoint: `${underlay.get('a2')}:${WG_PORT}`, allowedIps: [`${OVERLAY.a2}/128`] });
    expect(a2!.latestHandshake).toBeGreaterThan(Date.now() / 1000 - 120);
    expect(a2!.transferRx).toBeGreaterThan(0);
    expect(a2!.transferTx).toBeGreaterThan(0);
    const intruder = await interfaceStatus(lab.ns('b1'), lab.ns('b1'));
    expect(intruder.peers[0]!.latestHandshake).toBeNull();
  });

  it('is idempotent: the same config again changes nothing and keeps the same wireguard-go', async () => {
    const pid = await wireguardGoPid(lab.ns('a1'));
    const before = await interfaceStatus(lab.ns('a1'), lab.ns('a1'));
    const sut = await ensureInterface(config.a1);
    expect(sut).toEqual({ backend: 'userspace', changes: [], pid });
    const after = await interfaceStatus(lab.ns('a1'), lab.ns('a1'));
    expect(after.peers.map((p) => [p.publicKey, p.allowedIps, p.endpoint])).toEqual(before.peers.map((p) => [p.publicKey, p.allowedIps, p.endpoint]));
  });

  it('applies a changed peer list in place: a removed peer can no longer reach, a restored one can', async () => {
    const pid = await wireguardGoPid(lab.ns('a1'));
    const removed = await ensureInterface({ ...config.a1, peers: [] });
    expect(removed.pid).toBe(pid);
    expect(removed.changes).toEqual([`wg set peer ${keys.a2!.publicKey} remove`, `removed route ${OVERLAY.a2}/128`]);
    expect((await interfaceStatus(lab.ns('a1'), lab.ns('a1'))).peers).toEqual([]);
    expect(await lab.connect('a2', OVERLAY.a1, APP_PORT, 1_500)).toBe('error: ETIMEDOUT');

    await ensureInterface(config.a1);
    await eventually(async () => expect(await lab.connect('a2', OVERLAY.a1, APP_PORT)).toBe('hello from a1'), { timeoutMs: 15_000 });
  });

  it('restarts a killed wireguard-go (supervision, and ensureInterface) and reconfigures it', async () => {
    const name = lab.ns('a2');
    const first = (await wireguardGoPid(name))!;
    process.kill(first, 'SIGKILL');
    await eventually(() => expect(isAlive(first)).toBe(false));
    // Whichever comes first, the supervisor's restart or this call, ends with a fresh, configured process.
    const sut = await ensureInterface(config.a2);
    expect(sut.pid).toBeDefined();
    expect(sut.pid).not.toBe(first);
    await eventually(async () => expect(await lab.connect('a2', OVERLAY.a1, APP_PORT)).toBe('hello from a1'), { timeoutMs: 15_000 });

    // Without a call: the supervisor alone brings it back.
    const second = sut.pid!;
    process.kill(second, 'SIGKILL');
    await eventually(async () => {
      const pid = await wireguardGoPid(name);
      expect(pid !== undefined && pid !== second).toBe(true);
      expect((await interfaceStatus(name, name)).peers.map((p) => p.publicKey)).toEqual([keys.a1!.publicKey]);
    });
    await eventually(async () => expect(await lab.connect('a2', OVERLAY.a1, APP_PORT)).toBe('hello from a1'), { timeoutMs: 15_000 });
  });

  it('starts over a stale socket left by a wireguard-go that no longer runs', async () => {
    const name = lab.ns('b1');
    await removeInterface(name, name);
    await sh(['touch', socketPath(name)]);
    const sut = await ensureInterface(config.b1);
    expect(sut.changes).toContain('started wireguard-go');
    expect(isAlive(sut.pid!)).toBe(true);
  });

  it('removeInterface stops wireguard-go and removes the link and the socket', async () => {
    const name = lab.ns('a2');
    const pid = (await wireguardGoPid(name))!;
    await removeInterface(name, name);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(socketPath(name))).toBe(false);
    expect(await sh(['ip', '-n', name, '-j', 'link', 'show'])).not.toContain(`"${name}"`);
    await expect(interfaceStatus(name, name)).rejects.toThrow(/no interface/);
    await removeInterface(name, name); // twice is fine
  });
});
