import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PlatformError } from '@powernode/contracts';

const exec = promisify(execFile);

/** Runs `ip <args>`; a failure becomes an Internal PlatformError carrying ip's stderr. */
export async function ip(...args: string[]): Promise<string> {
  try {
    const { stdout } = await exec('ip', args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? String(error);
    throw new PlatformError('Internal', `ip ${args.join(' ')} failed: ${stderr}`, { args, stderr });
  }
}

/** True when `error` is a failed ip() whose stderr matches `pattern`. */
export function ipFailedWith(error: unknown, pattern: RegExp): boolean {
  return error instanceof PlatformError && pattern.test(String(error.details?.['stderr'] ?? ''));
}

/** Like ip(), but a failure whose stderr matches `tolerated` (e.g. "does not exist") is not an error. */
export async function ipTolerating(tolerated: RegExp, ...args: string[]): Promise<void> {
  try {
    await ip(...args);
  } catch (error) {
    if (!ipFailedWith(error, tolerated)) throw error;
  }
}

/** Names of every named network namespace (`ip netns list`). */
export async function listNamespaces(): Promise<string[]> {
  const out = await ip('netns', 'list');
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');
}

export async function namespaceExists(namespace: string): Promise<boolean> {
  return (await listNamespaces()).includes(namespace);
}

interface IpAddrJson {
  ifname?: string;
  link_type?: string;
  addr_info?: { local?: string; family?: string }[];
}

/** Interfaces of the root namespace with their addresses (`ip -j addr show`). */
export async function listLinks(): Promise<{ name: string; addresses: string[] }[]> {
  const parsed = JSON.parse((await ip('-j', 'addr', 'show')) || '[]') as IpAddrJson[];
  return parsed.map((link) => ({
    name: link.ifname ?? '',
    addresses: (link.addr_info ?? []).map((a) => a.local ?? '').filter((a) => a !== ''),
  }));
}

export async function linkExists(name: string, namespace?: string): Promise<boolean> {
  const args = namespace === undefined ? ['-j', 'link', 'show'] : ['-n', namespace, '-j', 'link', 'show'];
  const parsed = JSON.parse((await ip(...args)) || '[]') as IpAddrJson[];
  return parsed.some((link) => link.ifname === name);
}

/** Pids of every process whose network namespace is `namespace` (`ip netns pids`). */
export async function namespacePids(namespace: string): Promise<number[]> {
  try {
    const out = await ip('netns', 'pids', namespace);
    return out
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => Number.isInteger(pid) && pid > 0);
  } catch {
    return [];
  }
}
