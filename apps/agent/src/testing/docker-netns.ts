import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { Duplex } from 'node:stream';
import type { Dial } from '../reconcile/docker/daemon-client.js';

// Test support for the Docker reconciler's integration tests: network namespaces named `pt<4 hex>-<x>` (CI's
// sweep removes what a killed run leaves), each with an overlay-like /128 on its loopback, and ways to run
// dockerd, `ip`, `ss` and TCP connections inside them.

export function sh(argv: readonly string[], timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs }, (error, stdout, stderr) =>
      error ? reject(new Error(`${argv.join(' ')}: ${String(stderr) || error.message}`)) : resolve(String(stdout)),
    );
  });
}

export function requireRootAndDockerd(): void {
  if (process.getuid?.() !== 0) throw new Error('the docker reconciler integration tests need root (network namespaces, dockerd); run them as root, as CI does');
}

/** `nsenter --net=… --`: runs a program in the namespace but in our mount namespace (so dockerd sees the cgroups). */
export function inNamespace(ns: string): string[] {
  return ['nsenter', `--net=/var/run/netns/${ns}`, '--'];
}

/** One test run's namespaces: `pt<4 hex>-<suffix>`. */
export class DockerNetnsLab {
  readonly prefix = `pt${randomBytes(2).toString('hex')}`;
  private readonly created: string[] = [];

  ns(suffix: string): string {
    return `${this.prefix}-${suffix}`;
  }

  /** A namespace with loopback up and, if given, `address`/128 on it (where WireGuard would put the overlay address). */
  async create(suffix: string, address?: string): Promise<string> {
    const ns = this.ns(suffix);
    await sh(['ip', 'netns', 'add', ns]);
    this.created.push(ns);
    await sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    if (address !== undefined) await sh(['ip', '-n', ns, '-6', 'addr', 'add', `${address}/128`, 'dev', 'lo']);
    return ns;
  }

  /**
   * A veth from this namespace to the root one (a /30 in 100.127.0.0/16), so an agent inside reaches a fake
   * platform listening on the host side. The pair goes when the namespace is deleted.
   */
  async linkToHost(suffix: string): Promise<{ host: string; inside: string }> {
    const ns = this.ns(suffix);
    const net = `100.127.${randomBytes(1)[0]}.${4 * (randomBytes(1)[0]! % 64)}`.split('.').map(Number);
    const host = `${net[0]}.${net[1]}.${net[2]}.${net[3]! + 1}`;
    const inside = `${net[0]}.${net[1]}.${net[2]}.${net[3]! + 2}`;
    const hostLink = `${this.prefix}h${suffix}`.slice(0, 15);
    await sh(['ip', 'link', 'add', hostLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await sh(['ip', 'addr', 'add', `${host}/30`, 'dev', hostLink]);
    await sh(['ip', 'link', 'set', hostLink, 'up']);
    await sh(['ip', '-n', ns, 'addr', 'add', `${inside}/30`, 'dev', 'eth0']);
    await sh(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
    return { host, inside };
  }

  /** Kills whatever still runs in this run's namespaces (dockerd, containerd) and deletes them. */
  async destroy(): Promise<void> {
    for (const ns of this.created) {
      for (const pid of await namespacePids(ns)) killQuietly(pid, 'SIGKILL');
      await sh(['ip', 'netns', 'del', ns]).catch(() => undefined);
    }
  }
}

export async function namespacePids(ns: string): Promise<number[]> {
  const out = await sh(['ip', 'netns', 'pids', ns]).catch(() => '');
  return out
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/** TCP listeners in the namespace as `ss -Htlnp` prints them: local address and the owning process name. */
export async function tcpListeners(ns: string): Promise<{ local: string; process: string }[]> {
  const out = await sh([...inNamespace(ns), 'ss', '-Htlnp']);
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const columns = line.trim().split(/\s+/);
      return { local: columns[3] ?? '', process: /users:\(\("([^"]+)"/.exec(line)?.[1] ?? '' };
    });
}

/**
 * A TCP stream opened from inside `ns`: a small node process there pipes its stdin/stdout to the socket. The
 * TLS of the code under test runs in this process over it, so the ping is tested exactly as production runs it.
 */
export function dialIn(ns: string): Dial {
  const script = [
    "const s=require('net').connect({host:process.argv[1],port:Number(process.argv[2])});",
    "s.on('connect',()=>{process.stdin.pipe(s);s.pipe(process.stdout);});",
    "s.on('error',(e)=>{process.stderr.write(String(e.code||e.message));process.exit(1);});",
    "s.on('close',()=>process.exit(0));",
    "process.stdin.on('end',()=>s.end());",
  ].join('');
  return (host, port) => {
    const child = spawn(inNamespace(ns)[0]!, [...inNamespace(ns).slice(1), process.execPath, '-e', script, host, String(port)], { stdio: ['pipe', 'pipe', 'ignore'] });
    const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
    stream.on('close', () => child.kill('SIGKILL'));
    child.on('exit', () => stream.destroy());
    return stream;
  };
}

/** Unmounts what dockerd left mounted under `dir` (a SIGKILLed dockerd keeps its data-root bind mount). */
export async function unmountAllUnder(dir: string): Promise<void> {
  const points = (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined && (point === dir || point.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const point of points) await sh(['umount', '-l', point]).catch(() => undefined);
}

export function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone
  }
}

/** A random overlay-like address in fd00::/8, as the platform's address plan would hand out. */
export function randomOverlay(): string {
  const hex = () => randomBytes(2).readUInt16BE().toString(16); // canonical: no leading zeros, as ss prints it
  return `fd00:${hex()}:${hex()}:1::5`;
}

/**
 * Kills the processes of these containers wherever they run: with live-restore a container outlives its
 * dockerd, and it has its own network namespace, so killing a test namespace's processes does not reach it.
 */
export async function killContainerProcesses(containerIds: readonly string[]): Promise<void> {
  if (containerIds.length === 0) return;
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 1) continue;
    const cgroup = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
    if (containerIds.some((id) => cgroup.includes(id))) killQuietly(pid, 'SIGKILL');
  }
}
