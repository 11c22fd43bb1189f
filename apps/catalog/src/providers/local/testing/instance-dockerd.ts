import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, readlink, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dockerCgroupParent, dockerExecRoot } from '@powernode/contracts';
import { CGROUP_ROOT, containerCgroups, mountsUnder } from '../docker-leftovers.js';

// Test support: a real dockerd inside an instance's network namespace, configured as the agent configures it for a
// local instance (data-root, exec-root, pidfile and cgroup-parent derived from its docker root), driven over a unix
// socket in its exec-root, without the agent or the platform.

const exec = promisify(execFile);

export const BUSYBOX_IMAGE = 'pn-busybox:test';

export async function run(command: string, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  try {
    return (await exec(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')}: ${(error as { stderr?: string }).stderr?.trim() || String(error)}`);
  }
}

/** A one-binary image rootfs as a tarball: /bin/busybox (static) and a `sleep` applet link. */
export async function busyboxRootfsTar(workDir: string): Promise<string> {
  const rootfs = join(workDir, 'rootfs');
  await mkdir(join(rootfs, 'bin'), { recursive: true });
  await copyFile('/bin/busybox', join(rootfs, 'bin', 'busybox'));
  await symlink('busybox', join(rootfs, 'bin', 'sleep'));
  const tar = join(workDir, 'busybox.tar');
  await run('tar', ['-C', rootfs, '-cf', tar, '.']);
  return tar;
}

export interface InstanceDockerd {
  dockerRoot: string;
  execRoot: string;
  cgroupParent: string;
  /** `unix://<exec-root>/docker.sock`, for `docker -H`. */
  host: string;
  docker(...args: string[]): Promise<string>;
  /** The last lines dockerd logged, for a failure message. */
  logTail(): Promise<string>;
}

/** Starts dockerd in `namespace` with everything under `dockerRoot` (and its exec-root); it answers on `host` soon after. */
export async function startInstanceDockerd(namespace: string, dockerRoot: string): Promise<InstanceDockerd> {
  const execRoot = dockerExecRoot(dockerRoot);
  const cgroupParent = dockerCgroupParent(dockerRoot);
  const host = `unix://${join(execRoot, 'docker.sock')}`;
  const log = join(dockerRoot, 'dockerd.log');
  await mkdir(dockerRoot, { recursive: true, mode: 0o700 });
  const config = {
    hosts: [host],
    'data-root': join(dockerRoot, 'data'),
    'exec-root': execRoot,
    pidfile: join(dockerRoot, 'dockerd.pid'),
    'cgroup-parent': cgroupParent,
    'live-restore': true,
  };
  await writeFile(join(dockerRoot, 'daemon.json'), `${JSON.stringify(config, null, 2)}\n`);
  const out = openSync(log, 'a');
  try {
    // As the agent runs it: in the instance's network namespace, but in our mount namespace (cgroups visible).
    const child = spawn('nsenter', [`--net=/var/run/netns/${namespace}`, '--', 'dockerd', '--config-file', join(dockerRoot, 'daemon.json')], {
      detached: true,
      stdio: ['ignore', out, out],
    });
    child.on('error', () => undefined);
    child.unref();
  } finally {
    closeSync(out);
  }
  return {
    dockerRoot,
    execRoot,
    cgroupParent,
    host,
    docker: (...args) => run('docker', ['-H', host, ...args]),
    logTail: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n'),
  };
}

/** The processes of a container, from its cgroup (`<hierarchy>/<cgroup parent>/<container id>/cgroup.procs`). */
export async function containerPids(cgroupParent: string, containerId: string): Promise<number[]> {
  for (const hierarchy of await readdir(CGROUP_ROOT)) {
    const text = await readFile(join(CGROUP_ROOT, hierarchy, cgroupParent, containerId, 'cgroup.procs'), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    return text
      .split('\n')
      .map(Number)
      .filter((pid) => Number.isInteger(pid) && pid > 0);
  }
  return [];
}

/** `<pid>:<start time>`, or undefined when the process is gone or a zombie (dead, merely not yet reaped). */
export async function processIdentity(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return `${pid}:${fields[19]}`; // field 22 of stat: start time
}

/** Pids of live processes whose command line names any of `paths` (dockerd, containerd, the shims of one daemon). */
export async function processesNaming(paths: readonly string[]): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (paths.some((path) => cmdline.includes(path)) && (await processIdentity(pid)) !== undefined) found.push(pid);
  }
  return found;
}

/** Mount points at or below `roots` in our mount namespace. */
export async function mountsBelow(roots: readonly string[]): Promise<string[]> {
  return mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), roots);
}

/** The network namespace inode of a process (to tell a container's namespace from the instance's). */
export async function netnsOf(pid: number): Promise<string> {
  return readlink(`/proc/${pid}/ns/net`);
}

/**
 * Fallback cleanup independent of the code under test: kills whatever runs from or in this daemon (command line,
 * cgroups), detaches its mounts and removes its cgroups and relocated exec-root. For afterAll, after a failure.
 */
export async function forceRemoveInstanceDockerd(dockerRoot: string): Promise<void> {
  const execRoot = dockerExecRoot(dockerRoot);
  const cgroups = await containerCgroups(dockerRoot);
  for (let round = 0; round < 50; round++) {
    const pids = [...(await processesNaming([dockerRoot, execRoot]))];
    for (const dir of cgroups) pids.push(...(await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').map(Number).filter((pid) => pid > 1));
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const point of await mountsBelow([dockerRoot, execRoot])) await run('umount', ['-l', point]).catch(() => undefined);
  for (const dir of cgroups) await rmdir(dir).catch(() => undefined);
  if (execRoot !== join(dockerRoot, 'exec')) await rm(execRoot, { recursive: true, force: true });
}
