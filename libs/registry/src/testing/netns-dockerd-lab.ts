import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Test support: a network namespace standing in for an instance, joined to the root namespace by a veth /30 (the
// registry listens on the root side, as the platform's would), and a private dockerd inside it. Nothing here is
// shared with other runs: random names, random /30, own data-root/exec-root, own certs.d entry.

export function sh(argv: readonly string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${argv.join(' ')}: ${String(stderr).trim() || error.message}`)) : resolve(String(stdout)),
    );
  });
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error('libs/registry integration tests need root (network namespaces, dockerd); run them as root, as CI does');
}

const CERTS_D = '/etc/docker/certs.d';
const CGROUP_ROOT = '/sys/fs/cgroup';
/** One record per live lab (`<hex>.json`: owner pid, certs.d entries), so a later run can clean up after a crashed one. */
const OWNERS = '/run/powernode-registry-tests';

interface OwnerRecord {
  pid: number;
  certsEntries: string[];
}

async function isZombie(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class NetnsDockerdLab {
  readonly hex: string;
  readonly ns: string;
  private readonly rootVeth: string;
  /** Everything on disk (dockerd's roots, the registry's data) lives here, so one path finds all our processes and mounts. */
  readonly dir: string;
  /** dockerd's cgroup-parent: every container cgroup of this daemon sits below it, in each v1 hierarchy. */
  private readonly cgroupParent: string;
  /** 198.18.0.0/15 is reserved for benchmarking, so a random /30 in it collides with no real network. */
  private readonly octets = `198.${18 + randomInt(2)}.${randomInt(256)}`;
  private readonly base = 4 * randomInt(1, 63);
  readonly registryHost = `${this.octets}.${this.base + 1}`;
  readonly instanceAddress = `${this.octets}.${this.base + 2}`;
  private dockerd: ChildProcess | undefined;
  private dockerdExited: Promise<void> | undefined;
  private readonly certsEntries: string[] = [];

  constructor(hex = randomBytes(2).toString('hex')) {
    this.hex = hex;
    this.ns = `pt${hex}-reg`;
    this.rootVeth = `pt${hex}-r0`;
    this.dir = `/tmp/pnreg-${hex}`;
    this.cgroupParent = `/pnreg-${hex}`;
  }

  /** Removes what crashed runs left behind (their owner process is gone): namespaces, veths, daemons, mounts, certs.d entries. */
  static async sweepLeftovers(): Promise<void> {
    await mkdir(OWNERS, { recursive: true });
    for (const file of await readdir(OWNERS)) {
      const hex = file.replace(/\.json$/, '');
      if (!/^[0-9a-f]{4}$/.test(hex)) continue;
      const record = JSON.parse(await readFile(join(OWNERS, file), 'utf8').catch(() => '{"pid":0,"certsEntries":[]}')) as OwnerRecord;
      if (record.pid > 0 && isAlive(record.pid)) continue;
      const stale = new NetnsDockerdLab(hex);
      stale.certsEntries.push(...record.certsEntries);
      await stale.destroy();
    }
  }

  get dockerHost(): string {
    return `unix://${join(this.dir, 'exec', 'docker.sock')}`;
  }

  /** The namespace with lo up and a veth to the root namespace; a temp dir for everything else. */
  async create(): Promise<void> {
    await this.writeOwnerRecord();
    await mkdir(this.dir, { mode: 0o700 });
    await sh(['ip', 'netns', 'add', this.ns]);
    await sh(['ip', '-n', this.ns, 'link', 'set', 'lo', 'up']);
    await sh(['ip', 'link', 'add', this.rootVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.ns]);
    await sh(['ip', 'addr', 'add', `${this.registryHost}/30`, 'dev', this.rootVeth]);
    await sh(['ip', 'link', 'set', this.rootVeth, 'up']);
    await sh(['ip', '-n', this.ns, 'addr', 'add', `${this.instanceAddress}/30`, 'dev', 'eth0']);
    await sh(['ip', '-n', this.ns, 'link', 'set', 'eth0', 'up']);
  }

  /** Runs `argv` inside the namespace (nsenter, not `ip netns exec`, which remounts /sys). */
  inNs(argv: readonly string[], timeoutMs?: number): Promise<string> {
    return sh(['nsenter', `--net=/var/run/netns/${this.ns}`, '--', ...argv], timeoutMs);
  }

  /** Makes dockerd trust `caPem` for `registry` (`host:port`), the way agents are told to. */
  async trustRegistry(registry: string, caPem: string): Promise<void> {
    const dir = join(CERTS_D, registry);
    this.certsEntries.push(dir);
    await this.writeOwnerRecord();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'ca.crt'), caPem);
  }

  /** Starts a private dockerd in the namespace and waits until it answers. */
  async startDockerd(): Promise<void> {
    const config = {
      hosts: [this.dockerHost],
      'data-root': join(this.dir, 'data'),
      'exec-root': join(this.dir, 'exec'),
      pidfile: join(this.dir, 'dockerd.pid'),
      'cgroup-parent': this.cgroupParent,
    };
    await writeFile(join(this.dir, 'daemon.json'), JSON.stringify(config));
    const log = openSync(join(this.dir, 'dockerd.log'), 'a');
    try {
      this.dockerd = spawn('nsenter', [`--net=/var/run/netns/${this.ns}`, '--', 'dockerd', '--config-file', join(this.dir, 'daemon.json')], { stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    this.dockerd.on('error', () => undefined);
    const child = this.dockerd;
    this.dockerdExited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`dockerd exited: ${await this.dockerdLog()}`);
      if (await this.docker(['version', '--format', '{{.Server.Version}}'], 5_000).then(() => true, () => false)) return;
      if (Date.now() > deadline) throw new Error(`dockerd did not answer: ${await this.dockerdLog()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  docker(args: readonly string[], timeoutMs = 120_000): Promise<string> {
    return sh(['docker', '-H', this.dockerHost, ...args], timeoutMs);
  }

  async dockerdLog(): Promise<string> {
    return (await readFile(join(this.dir, 'dockerd.log'), 'utf8').catch(() => '')).split('\n').slice(-15).join('\n');
  }

  /** Removes everything this lab made, whatever state a failed test (or a crashed run) left it in. Never throws. */
  async destroy(): Promise<void> {
    const quietly = (work: Promise<unknown>) => work.catch(() => undefined);
    // Containers first, through the daemon while it still answers, so their processes and cgroups go cleanly.
    const ids = (await quietly(this.docker(['ps', '-aq'], 10_000))) as string | undefined;
    for (const id of (ids ?? '').split('\n').filter(Boolean)) await quietly(this.docker(['rm', '-f', id], 30_000));
    await this.stopDockerd();
    await this.killProcessesNaming(this.dir);
    await this.removeContainerCgroups();
    for (const point of await this.mountsBelow(this.dir)) await quietly(sh(['umount', '-l', point]));
    for (const entry of this.certsEntries) await rm(entry, { recursive: true, force: true });
    await quietly(sh(['ip', 'link', 'del', this.rootVeth]));
    await quietly(sh(['ip', 'netns', 'del', this.ns]));
    await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
    await rm(join(OWNERS, `${this.hex}.json`), { force: true });
  }

  /** SIGTERM (dockerd then stops its containerd), SIGKILL after a grace period; our child or, after a crash, by pidfile. */
  private async stopDockerd(): Promise<void> {
    const pid = this.dockerd?.pid ?? Number(await readFile(join(this.dir, 'dockerd.pid'), 'utf8').catch(() => '0'));
    if (!(pid > 0) || !isAlive(pid)) return;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (isAlive(pid) && !(await isZombie(pid)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (isAlive(pid) && !(await isZombie(pid))) process.kill(pid, 'SIGKILL');
    if (this.dockerd) await this.dockerdExited;
  }

  /** Kills what is left in this daemon's container cgroups (cgroup-parent is ours alone) and removes them. */
  private async removeContainerCgroups(): Promise<void> {
    for (const controller of await readdir(CGROUP_ROOT).catch(() => [] as string[])) {
      const parent = join(CGROUP_ROOT, controller, this.cgroupParent);
      const children = await readdir(parent, { withFileTypes: true }).catch(() => []);
      for (const child of children.filter((entry) => entry.isDirectory())) {
        const procs = await readFile(join(parent, child.name, 'cgroup.procs'), 'utf8').catch(() => '');
        for (const pid of procs.split('\n').map(Number).filter((value) => value > 1)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await waitUntil(async () => (await rmdir(join(parent, child.name)).then(() => true, () => false)), 2_000);
      }
      await rmdir(parent).catch(() => undefined);
    }
  }

  private async writeOwnerRecord(): Promise<void> {
    await mkdir(OWNERS, { recursive: true });
    const record: OwnerRecord = { pid: process.pid, certsEntries: this.certsEntries };
    await writeFile(join(OWNERS, `${this.hex}.json`), JSON.stringify(record));
  }

  /** Fallback for a daemon that did not stop cleanly: its containerd and shims name our directory on their command line. */
  private async killProcessesNaming(path: string): Promise<void> {
    for (let round = 0; round < 20; round++) {
      const pids: number[] = [];
      for (const entry of await readdir('/proc')) {
        const pid = Number(entry);
        if (!Number.isInteger(pid) || pid === process.pid) continue;
        const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
        if (cmdline.includes(path)) pids.push(pid);
      }
      if (pids.length === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Mount points at or below `root`, deepest first, so lazy unmounts peel them off in order. */
  private async mountsBelow(root: string): Promise<string[]> {
    const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
    return mountinfo
      .split('\n')
      .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
      .filter((point): point is string => point !== undefined && (point === root || point.startsWith(`${root}/`)))
      .sort((a, b) => b.length - a.length);
  }
}
