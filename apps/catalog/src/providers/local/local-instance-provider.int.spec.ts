import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '@powernode/service-kit';
import { eventually } from '@powernode/testing';
import { LocalInstanceProvider } from './local-instance-provider.js';
import { sweepLeftovers } from './sweep.js';
import { ECHO_AGENT_PORT, echoAgent, listenAnswering, readFrom, readFromNamespace } from './testing/echo-agent.js';

const exec = promisify(execFile);

// Every run of this file uses its own prefix `pt<4 hex>`; earlier crashed runs are swept by pattern.
const STALE_PREFIX = /pt[0-9a-f]{4}/;
const prefix = `pt${randomBytes(2).toString('hex')}`;
const STATE_ROOT_PREFIX = 'pn-local-provider-';

/** State roots of earlier crashed runs (a live run's is younger than a minute). */
async function sweepStaleStateRoots(): Promise<void> {
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith(STATE_ROOT_PREFIX)) continue;
    const path = join(tmpdir(), entry);
    if (Date.now() - (await stat(path)).mtimeMs > 60_000) await rm(path, { recursive: true, force: true });
  }
}

async function namespaces(): Promise<string[]> {
  const { stdout } = await exec('ip', ['netns', 'list']);
  return stdout.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => name !== '');
}

async function linkExists(name: string): Promise<boolean> {
  return exec('ip', ['link', 'show', 'dev', name]).then(
    () => true,
    () => false,
  );
}

/** The machine-wide forwarding switches the provider must never touch. */
async function globalForwarding(): Promise<string[]> {
  return Promise.all(['/proc/sys/net/ipv4/ip_forward', '/proc/sys/net/ipv6/conf/all/forwarding'].map(async (path) => (await readFile(path, 'utf8')).trim()));
}

/** Per-interface IPv6 forwarding exists since Linux 6.17; before, instances reach each other over IPv4 only. */
const IPV6_FORCE_FORWARDING = existsSync('/proc/sys/net/ipv6/conf/lo/force_forwarding');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe(LocalInstanceProvider.name, () => {
  let stateRoot: string;
  let sut: LocalInstanceProvider;
  const logger = createLogger('local-provider-test', 'warn');
  const idA = `inst-${randomBytes(3).toString('hex')}`;
  const idB = `inst-${randomBytes(3).toString('hex')}`;
  let forwardingBefore: string[];

  beforeAll(async () => {
    if (process.getuid?.() !== 0) {
      throw new Error('these tests create network namespaces and need root (CI runs as root); run them as root');
    }
    await sweepLeftovers(STALE_PREFIX, { olderThanMs: 60_000 });
    await sweepStaleStateRoots();
    forwardingBefore = await globalForwarding();
    stateRoot = await mkdtemp(join(tmpdir(), STATE_ROOT_PREFIX));
    sut = new LocalInstanceProvider({ namePrefix: prefix, stateRoot, logger, stopGraceMs: 2_000 });
  });

  afterAll(async () => {
    try {
      await sut?.shutdown();
    } finally {
      await sweepLeftovers(prefix);
      if (stateRoot !== undefined) await rm(stateRoot, { recursive: true, force: true });
    }
  });

  it('provisions two instances whose agents answer on their own IPv6 and IPv4 underlay addresses', async () => {
    const a = await sut.provision({ instanceId: idA, agent: echoAgent() });
    const b = await sut.provision({ instanceId: idB, agent: echoAgent() });

    expect(a.namespace).toBe(`${prefix}-${idA.slice(5)}`);
    expect(a.underlay.hostInterface.length).toBeLessThanOrEqual(15);
    expect(b.namespace).not.toBe(a.namespace);
    expect(b.underlay.instanceIpv6).not.toBe(a.underlay.instanceIpv6);
    expect(b.underlay.instanceIpv4).not.toBe(a.underlay.instanceIpv4);
    expect(await namespaces()).toEqual(expect.arrayContaining([a.namespace, b.namespace]));

    for (const instance of [a, b]) {
      await eventually(async () => expect(await readFrom(instance.underlay.instanceIpv6)).toBe(instance.instanceId));
      await eventually(async () => expect(await readFrom(instance.underlay.instanceIpv4)).toBe(instance.instanceId));
    }
    expect(await sut.list()).toHaveLength(2);
  });

  it('gives each instance default routes via its host side, like a machine on a LAN', async () => {
    const [a, b] = await Promise.all([sut.provision({ instanceId: idA, agent: echoAgent() }), sut.provision({ instanceId: idB, agent: echoAgent() })]);
    const v4 = (await exec('ip', ['-n', a.namespace, '-4', 'route', 'show', 'default'])).stdout;
    const v6 = (await exec('ip', ['-n', a.namespace, '-6', 'route', 'show', 'default'])).stdout;
    expect(v4).toContain(`via ${a.underlay.hostIpv4}`);
    expect(v6).toContain(`via ${a.underlay.hostIpv6}`);

    // B's host-side addresses are off A's link: reaching them from A takes A's default routes.
    const { server, port } = await listenAnswering('host');
    try {
      expect(await readFromNamespace(a.namespace, a.underlay.hostIpv6, port)).toBe('host');
      expect(await readFromNamespace(a.namespace, b.underlay.hostIpv6, port)).toBe('host');
      expect(await readFromNamespace(a.namespace, b.underlay.hostIpv4, port)).toBe('host');
    } finally {
      server.close();
    }
  });

  it("lets instances reach each other's underlay over TCP, with forwarding on their host veths only", async () => {
    const [a, b] = await Promise.all([sut.provision({ instanceId: idA, agent: echoAgent() }), sut.provision({ instanceId: idB, agent: echoAgent() })]);

    for (const [from, to] of [[a, b], [b, a]] as const) {
      expect(await readFromNamespace(from.namespace, to.underlay.instanceIpv4, ECHO_AGENT_PORT)).toBe(to.instanceId);
      const v6 = readFromNamespace(from.namespace, to.underlay.instanceIpv6, ECHO_AGENT_PORT);
      if (IPV6_FORCE_FORWARDING) await expect(v6).resolves.toBe(to.instanceId);
      else await expect(v6).rejects.toThrow(); // documented limit of kernels before 6.17
    }
    for (const instance of [a, b]) {
      expect((await readFile(`/proc/sys/net/ipv4/conf/${instance.underlay.hostInterface}/forwarding`, 'utf8')).trim()).toBe('1');
      expect((await readFile(`/proc/sys/net/ipv4/conf/${instance.underlay.hostInterface}/rp_filter`, 'utf8')).trim()).toBe('1');
    }
    expect(await globalForwarding()).toEqual(forwardingBefore);
  });

  it('gives every instance the gateway addresses on <prefix>gw, reachable through its default route', async () => {
    const a = await sut.provision({ instanceId: idA, agent: echoAgent() });
    expect(sut.gateway).toEqual({ ipv4: '198.18.0.1', ipv6: 'fd5e:7e57::1' });
    const { stdout } = await exec('ip', ['-j', 'addr', 'show', 'dev', `${prefix}gw`]);
    const [link] = JSON.parse(stdout) as { addr_info: { local: string; prefixlen: number }[] }[];
    expect(link?.addr_info).toEqual(
      expect.arrayContaining([expect.objectContaining({ local: '198.18.0.1', prefixlen: 32 }), expect.objectContaining({ local: 'fd5e:7e57::1', prefixlen: 128 })]),
    );

    const { server, port } = await listenAnswering('gateway');
    try {
      expect(await readFromNamespace(a.namespace, sut.gateway.ipv4, port)).toBe('gateway');
      expect(await readFromNamespace(a.namespace, sut.gateway.ipv6, port)).toBe('gateway');
    } finally {
      server.close();
    }
  });

  it('is idempotent: provisioning the same id again returns the same namespace and agent', async () => {
    const first = await sut.provision({ instanceId: idA, agent: echoAgent() });
    const again = await sut.provision({ instanceId: idA, agent: echoAgent() });
    expect(again).toEqual(first);
  });

  it('brings a killed agent back on provision and on restartAgent, keeping its namespace and addresses', async () => {
    const before = await sut.provision({ instanceId: idA, agent: echoAgent() });
    process.kill(before.agentPid, 'SIGKILL');
    await eventually(() => expect(pidAlive(before.agentPid)).toBe(false));

    const revived = await sut.provision({ instanceId: idA, agent: echoAgent() });
    expect(revived.agentPid).not.toBe(before.agentPid);
    expect(revived.underlay).toEqual(before.underlay);
    await eventually(async () => expect(await readFrom(revived.underlay.instanceIpv6)).toBe(idA));

    const restartedPid = await sut.restartAgent(idA);
    expect(restartedPid).not.toBe(revived.agentPid);
    expect(pidAlive(revived.agentPid)).toBe(false);
    await eventually(async () => expect(await readFrom(revived.underlay.instanceIpv4)).toBe(idA));
  });

  it('decommission stops a pidfile-only agent and removes namespace, veth and state; again is a no-op', async () => {
    const b = await sut.provision({ instanceId: idB, agent: echoAgent() });
    // A second provider (as after a platform restart) knows the agent only by its pidfile.
    const restarted = new LocalInstanceProvider({ namePrefix: prefix, stateRoot, logger, stopGraceMs: 2_000 });

    await restarted.decommission(idB);

    expect(await namespaces()).not.toContain(b.namespace);
    expect(await linkExists(b.underlay.hostInterface)).toBe(false);
    expect(pidAlive(b.agentPid)).toBe(false);
    expect(existsSync(b.stateDir)).toBe(false);
    await expect(restarted.decommission(idB)).resolves.toBeUndefined();
    await expect(sut.restartAgent(idB)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('decommission removes the WireGuard sockets the agent recorded, and only well-named ones', async () => {
    const b = await sut.provision({ instanceId: idB, agent: echoAgent() });
    const stale = `pn-${randomBytes(6).toString('hex')}`;
    const decoy = `${prefix}-decoy`;
    const socketOf = (name: string) => `/var/run/wireguard/${name}.sock`;
    const madeSocketDir = (await mkdir('/var/run/wireguard', { recursive: true })) !== undefined;
    await mkdir(join(b.stateDir, 'agent', 'sdwan'), { recursive: true });
    try {
      await writeFile(socketOf(stale), '');
      await writeFile(socketOf(decoy), '');
      const interfaces = [stale, decoy, '../../tmp/x', 42];
      await writeFile(join(b.stateDir, 'agent', 'sdwan', 'interfaces.json'), JSON.stringify({ interfaces }));

      await sut.decommission(idB);

      expect(existsSync(socketOf(stale))).toBe(false);
      expect(existsSync(socketOf(decoy))).toBe(true);
      expect(existsSync(b.stateDir)).toBe(false);
    } finally {
      await rm(socketOf(stale), { force: true });
      await rm(socketOf(decoy), { force: true });
      // Only if still empty: a wireguard-go may have started meanwhile.
      if (madeSocketDir) await rmdir('/var/run/wireguard').catch(() => undefined);
    }
  });

  it('sweepLeftovers removes a namespace with the prefix that no instance owns, and spares known ones', async () => {
    const a = await sut.provision({ instanceId: idA, agent: echoAgent() });
    const stray = `${prefix}-handmade`;
    await exec('ip', ['netns', 'add', stray]);

    const removed = await sut.sweepLeftovers();

    expect(removed).toEqual([stray]);
    expect(await namespaces()).not.toContain(stray);
    expect(await namespaces()).toContain(a.namespace);
    expect(await linkExists(`${prefix}gw`)).toBe(true);
  });

  it('shutdown stops every agent and removes every namespace and veth; provisioning again restores the addresses', async () => {
    const a = await sut.provision({ instanceId: idA, agent: echoAgent() });
    const b = await sut.provision({ instanceId: idB, agent: echoAgent() });

    await sut.shutdown();

    const left = await namespaces();
    for (const instance of [a, b]) {
      expect(left).not.toContain(instance.namespace);
      expect(await linkExists(instance.underlay.hostInterface)).toBe(false);
      expect(pidAlive(instance.agentPid)).toBe(false);
    }
    expect(left.filter((ns) => ns.startsWith(`${prefix}-`))).toEqual([]);
    expect(await linkExists(`${prefix}gw`)).toBe(false);

    const back = await sut.provision({ instanceId: idA, agent: echoAgent() });
    expect(back.underlay).toEqual(a.underlay);
    await eventually(async () => expect(await readFrom(back.underlay.instanceIpv6)).toBe(idA));
  });

  it('the leftover sweep takes the gateway link with the last namespace of its prefix (as after a crash)', async () => {
    const a = await sut.provision({ instanceId: idA, agent: echoAgent() });
    expect(await linkExists(`${prefix}gw`)).toBe(true);

    const removed = await sweepLeftovers(prefix, { graceMs: 2_000 });

    expect(removed).toEqual(expect.arrayContaining([a.namespace, `${prefix}gw`]));
    expect(await linkExists(`${prefix}gw`)).toBe(false);
  });
});
