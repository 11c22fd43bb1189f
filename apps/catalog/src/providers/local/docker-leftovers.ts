import { execFile } from 'node:child_process';
import { readdir, readFile, realpath, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { DOCKER_SHORT_EXEC_ROOT_BASE, PlatformError, dockerCgroupParent, dockerExecRoot } from '@powernode/contracts';

const exec = promisify(execFile);

export const CGROUP_ROOT = '/sys/fs/cgroup';
const POLL_MS = 20;

/** What removeDockerLeftovers found and removed. */
export interface DockerLeftovers {
  /** Pids SIGKILLed in the containers' cgroups. */
  killed: number[];
  /** Cgroup directories removed. */
  cgroups: string[];
  /** Cgroup directories that stayed busy (harmless once empty of processes, but reported). */
  cgroupsLeft: string[];
  /** Mount points detached under the docker root and exec-root. */
  unmounted: string[];
}

export interface DockerLeftoversOptions {
  /** How long processes get to vanish after SIGKILL before this fails. */
  killTimeoutMs?: number;
  /** Tests only: another cgroup root. */
  cgroupRoot?: string;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** `dir` and every directory below it, deepest first; nothing when `dir` does not exist. */
async function treeDeepestFirst(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (errnoOf(error) === 'ENOENT' || errnoOf(error) === 'ENOTDIR') return [];
    throw error;
  }
  const below = await Promise.all(entries.filter((entry) => entry.isDirectory()).map((entry) => treeDeepestFirst(join(dir, entry.name))));
  return [...below.flat(), dir];
}

/**
 * The cgroups of one docker root's containers: `<cgroupRoot>/<hierarchy>/powernode/<key>` and everything below,
 * in every hierarchy mounted (cgroup v1 has one per controller; with v2 alone it is `<cgroupRoot>/powernode/<key>`),
 * deepest first.
 */
export async function containerCgroups(dockerRoot: string, cgroupRoot = CGROUP_ROOT): Promise<string[]> {
  const parent = dockerCgroupParent(dockerRoot).slice(1);
  let hierarchies: string[];
  try {
    hierarchies = await readdir(cgroupRoot);
  } catch {
    return [];
  }
  const tops = [cgroupRoot, ...hierarchies.map((hierarchy) => join(cgroupRoot, hierarchy))].map((top) => join(top, parent));
  const trees = await Promise.all(tops.map(treeDeepestFirst));
  return trees.flat();
}

async function procsIn(dirs: readonly string[]): Promise<number[]> {
  const pids = new Set<number>();
  for (const dir of dirs) {
    const text = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      const pid = Number(line.trim());
      if (Number.isInteger(pid) && pid > 1) pids.add(pid);
    }
  }
  return [...pids];
}

/**
 * SIGKILLs every process in these cgroups until none is left (re-listing them, so children forked meanwhile are
 * caught too). An exited process leaves its cgroup at once, even before its (new) parent reaps it.
 */
async function killAllIn(list: () => Promise<string[]>, timeoutMs: number): Promise<number[]> {
  const killed = new Set<number>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = await procsIn(await list());
    if (pids.length === 0) return [...killed];
    if (Date.now() > deadline) throw new PlatformError('Internal', `processes in the containers' cgroups survived SIGKILL: ${pids.join(', ')}`, { pids });
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
      } catch {
        // already gone
      }
    }
    await delay(POLL_MS);
  }
}

/** rmdir deepest first; a cgroup whose last process is still exiting is busy for a moment. */
async function removeCgroups(dirs: readonly string[], timeoutMs: number): Promise<{ removed: string[]; left: string[] }> {
  const removed: string[] = [];
  const left: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (const dir of dirs) {
    for (;;) {
      try {
        await rmdir(dir);
        removed.push(dir);
        break;
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') break;
        if (errnoOf(error) !== 'EBUSY' || Date.now() > deadline) {
          left.push(dir);
          break;
        }
        await delay(POLL_MS);
      }
    }
  }
  return { removed, left };
}

/** mountinfo escapes space, tab, newline and backslash in paths as `\ooo`. */
function unescapeMountPath(raw: string): string {
  return raw.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Mount points (from `/proc/<pid>/mountinfo` text) at or below any of `roots`, longest first. */
export function mountsUnder(mountinfo: string, roots: readonly string[]): string[] {
  const trimmed = roots.map((root) => root.replace(/(.)\/+$/, '$1'));
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((field): field is string => field !== undefined && field !== '')
    .map(unescapeMountPath)
    .filter((point) => trimmed.some((root) => point === root || point.startsWith(`${root}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

async function currentMountsUnder(roots: readonly string[]): Promise<string[]> {
  return mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), roots);
}

/**
 * Detaches (`umount -l`) everything mounted under `roots`, longest paths first, and fails when anything is still
 * mounted afterwards: deleting a directory tree with a live mount in it would delete what is mounted there.
 */
async function unmountAllUnder(roots: readonly string[]): Promise<string[]> {
  const points = await currentMountsUnder(roots);
  const unmounted: string[] = [];
  for (const point of points) {
    // A parent detached first takes its children along: "not mounted" is fine, the check below decides.
    const ok = await exec('umount', ['-l', point], { timeout: 10_000 }).then(
      () => true,
      () => false,
    );
    if (ok) unmounted.push(point);
  }
  const remaining = await currentMountsUnder(roots);
  if (remaining.length > 0) throw new PlatformError('Internal', `could not unmount ${remaining.join(', ')}`, { remaining });
  return unmounted;
}

/** The path as given and, when it exists, with its symlinks resolved (mountinfo shows the latter). */
async function withRealPath(path: string): Promise<string[]> {
  const real = await realpath(path).catch(() => path);
  return real === path ? [path] : [path, real];
}

/**
 * Reaps what an instance's own dockerd leaves once it and everything in the instance's network namespace is
 * gone: its containers run in network namespaces of their own, so they outlive it (live-restore), found by their
 * cgroups (`cgroup-parent`, see dockerCgroupParent); and the overlay and network namespace mounts under its
 * data-root and exec-root, which keep the state dir busy. Idempotent; touches nothing outside those roots.
 */
export async function removeDockerLeftovers(dockerRoot: string, options: DockerLeftoversOptions = {}): Promise<DockerLeftovers> {
  const cgroupRoot = options.cgroupRoot ?? CGROUP_ROOT;
  const cgroupDirs = await containerCgroups(dockerRoot, cgroupRoot);
  const killed = cgroupDirs.length === 0 ? [] : await killAllIn(() => containerCgroups(dockerRoot, cgroupRoot), options.killTimeoutMs ?? 10_000);
  // Re-listed: a cgroup created while killing is removed too.
  const { removed: cgroups, left: cgroupsLeft } = await removeCgroups(await containerCgroups(dockerRoot, cgroupRoot), 2_000);

  const execRoot = dockerExecRoot(dockerRoot);
  const roots = [...(await withRealPath(dockerRoot)), ...(await withRealPath(execRoot))];
  const unmounted = await unmountAllUnder(roots);
  // A relocated exec-root lies outside the state dir: it goes here (its key is ours alone, see dockerExecRoot).
  if (execRoot.startsWith(`${DOCKER_SHORT_EXEC_ROOT_BASE}/`)) await rm(execRoot, { recursive: true, force: true });
  return { killed, cgroups, cgroupsLeft, unmounted };
}
