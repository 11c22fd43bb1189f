import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { assertInterfaceName, desiredRoutes, normalizeConfig, planWgSet, type WireguardInterfaceConfig } from './config.js';
import { parseWgDump, type WireguardStatus } from './dump.js';
import { inNetns, ip, wg, type Netns } from './exec.js';
import { deleteLink, linkAddresses, linkInfo, linkRoutes } from './link.js';
import { terminate, waitFor, wireguardGoProcesses } from './processes.js';
import { removeSocket, socketAlive } from './uapi-socket.js';

export type WireguardBackend = 'kernel' | 'userspace';

export interface EnsureInterfaceResult {
  backend: WireguardBackend;
  /** What this call changed; empty when the interface already matched. */
  changes: string[];
  /** The wireguard-go pid (userspace backend). */
  pid?: number;
}

export interface InterfaceStatus extends WireguardStatus {
  backend: WireguardBackend;
  pid?: number;
}

/** Bound on wireguard-go coming up (its socket answering). */
const START_TIMEOUT_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

interface Supervised {
  config: WireguardInterfaceConfig;
  child?: ChildProcess;
  stopping: boolean;
  restarts: number;
  timer?: NodeJS.Timeout;
  lastError?: string;
}

// Per machine: names are unique across namespaces (one /var/run/wireguard), so they key everything here.
const supervised = new Map<string, Supervised>();
const locks = new Map<string, Promise<unknown>>();
let kernelUnavailable = false;

function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const result = (locks.get(name) ?? Promise.resolve()).catch(() => undefined).then(work);
  const tail = result.catch(() => undefined);
  locks.set(name, tail);
  void tail.then(() => {
    if (locks.get(name) === tail) locks.delete(name);
  });
  return result;
}

/**
 * Makes the WireGuard interface match `config` (idempotent: a second call with the same config changes nothing):
 * kernel WireGuard if the kernel has it, else a supervised `wireguard-go` (restarted if it dies); then key, port,
 * peers (peers not listed are removed), the address, link up, and a route per allowed IP.
 */
export function ensureInterface(config: WireguardInterfaceConfig): Promise<EnsureInterfaceResult> {
  const desired = normalizeConfig(config);
  return withLock(desired.name, async () => {
    const result = await converge(desired);
    const entry = supervised.get(desired.name);
    if (entry !== undefined) entry.restarts = 0;
    return result;
  });
}

/** Stops wireguard-go (if any) and removes the link and its socket; a missing interface is fine. */
export function removeInterface(name: string, netns?: string): Promise<void> {
  assertInterfaceName(name);
  return withLock(name, async () => {
    forget(name);
    await Promise.all((await wireguardGoProcesses()).filter((p) => p.name === name).map((p) => terminate(p.pid)));
    await removeSocket(name);
    await deleteLink(netns, name);
  });
}

/** Listen port, keys and peers (endpoint, latest handshake, transfer) from `wg show <name> dump`. */
export async function interfaceStatus(name: string, netns?: string): Promise<InterfaceStatus> {
  assertInterfaceName(name);
  const link = await linkInfo(netns, name);
  if (link === undefined) throw new Error(`no interface ${name} in ${where(netns)}`);
  const status = parseWgDump(await wg(netns, ['show', name, 'dump']));
  const pid = link.kind === 'wireguard' ? undefined : await wireguardGoPid(name);
  // The private key never leaves through a status.
  return { ...status, privateKey: null, backend: link.kind === 'wireguard' ? 'kernel' : 'userspace', ...(pid === undefined ? {} : { pid }) };
}

/** The pid of the wireguard-go serving `name`, if one runs. */
export async function wireguardGoPid(name: string): Promise<number | undefined> {
  return (await wireguardGoProcesses()).find((p) => p.name === name)?.pid;
}

/** Stops supervising (no restart) every interface whose name matches; used by sweeps. */
export function forgetMatching(matches: (name: string) => boolean): void {
  for (const name of [...supervised.keys()]) if (matches(name)) forget(name);
}

function forget(name: string): void {
  const entry = supervised.get(name);
  if (entry === undefined) return;
  entry.stopping = true;
  clearTimeout(entry.timer);
  supervised.delete(name);
}

async function converge(desired: WireguardInterfaceConfig): Promise<EnsureInterfaceResult> {
  const { name, netns } = desired;
  const changes: string[] = [];
  const backend = await ensureDevice(desired, changes);

  const current = parseWgDump(await wg(netns, ['show', name, 'dump']));
  const setArgs = planWgSet(current, desired);
  if (current.privateKey !== desired.privateKey || setArgs.length > 0) {
    await wgSetWithKey(netns, name, current.privateKey === desired.privateKey ? undefined : desired.privateKey, setArgs);
    if (current.privateKey !== desired.privateKey) changes.push('private key');
    if (setArgs.length > 0) changes.push(`wg set ${setArgs.join(' ')}`);
  }

  const addresses = await linkAddresses(netns, name);
  if (!addresses.includes(desired.address)) {
    await ip(netns, ['addr', 'replace', desired.address, 'dev', name, 'nodad']);
    changes.push(`address ${desired.address}`);
  }
  for (const stale of addresses.filter((a) => a !== desired.address)) {
    await ip(netns, ['addr', 'del', stale, 'dev', name]);
    changes.push(`removed address ${stale}`);
  }

  if (!(await linkInfo(netns, name))?.up) {
    await ip(netns, ['link', 'set', 'dev', name, 'up']);
    changes.push('link up');
  }

  const wantedRoutes = desiredRoutes(desired);
  const routes = await linkRoutes(netns, name);
  for (const route of wantedRoutes.filter((r) => !routes.includes(r))) {
    await ip(netns, ['route', 'replace', route, 'dev', name]);
    changes.push(`route ${route}`);
  }
  for (const stale of routes.filter((r) => !wantedRoutes.includes(r))) {
    await ip(netns, ['route', 'del', stale, 'dev', name]);
    changes.push(`removed route ${stale}`);
  }

  const pid = backend === 'userspace' ? await wireguardGoPid(name) : undefined;
  return { backend, changes, ...(pid === undefined ? {} : { pid }) };
}

/** Makes sure a WireGuard device named `name` exists in the namespace and answers `wg`. */
async function ensureDevice(desired: WireguardInterfaceConfig, changes: string[]): Promise<WireguardBackend> {
  const { name, netns } = desired;
  const link = await linkInfo(netns, name);
  if (link?.kind === 'wireguard') return 'kernel';
  if (await socketAlive(name)) {
    if (link === undefined) throw new Error(`a wireguard-go serves "${name}" but not in ${where(netns)}: interface names must be unique per machine`);
    adopt(desired);
    return 'userspace';
  }
  if (link !== undefined) {
    await deleteLink(netns, name); // a device nobody serves: a leftover
    changes.push(`removed unserved ${link.kind ?? ''} link`);
  }
  await removeSocket(name); // a killed wireguard-go leaves its socket behind
  if (await tryKernelLink(netns, name)) {
    changes.push('created kernel wireguard link');
    return 'kernel';
  }
  await startWireguardGo(desired);
  changes.push('started wireguard-go');
  return 'userspace';
}

async function tryKernelLink(netns: Netns, name: string): Promise<boolean> {
  if (kernelUnavailable) return false;
  try {
    await ip(netns, ['link', 'add', 'dev', name, 'type', 'wireguard']);
    return true;
  } catch {
    kernelUnavailable = true; // no module on this kernel: do not ask again in this process
    return false;
  }
}

function adopt(desired: WireguardInterfaceConfig): void {
  const entry = supervised.get(desired.name);
  if (entry !== undefined) entry.config = desired;
  // A wireguard-go started by an earlier process is not our child: ensureInterface restarts it if it dies.
}

async function startWireguardGo(desired: WireguardInterfaceConfig): Promise<void> {
  const { name, netns } = desired;
  const [file, ...args] = inNetns(netns, ['wireguard-go', '-f', name]);
  // Exactly "1": any other value makes wireguard-go re-fork itself forever.
  const child = spawn(file!, args, { env: { ...process.env, WG_PROCESS_FOREGROUND: '1', LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const collect = (stream: Readable | null): void => {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => (output = (output + chunk).slice(-2_000)));
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  };
  collect(child.stdout);
  collect(child.stderr);
  let exited: string | undefined;
  child.once('error', (error) => (exited = error.message));
  child.once('exit', (code, signal) => {
    exited = `exited ${signal ?? code}`;
    onChildExit(name, child);
  });
  child.unref();

  const entry = supervised.get(name) ?? { config: desired, stopping: false, restarts: 0 };
  entry.config = desired;
  entry.child = child;
  entry.stopping = false;
  supervised.set(name, entry);

  const up = await waitFor(async () => exited !== undefined || (await socketAlive(name, 250)), START_TIMEOUT_MS);
  if (exited !== undefined || !up) {
    if (exited === undefined) child.kill('SIGKILL');
    throw new Error(`wireguard-go ${name} in ${where(netns)} did not come up (${exited ?? `no socket after ${START_TIMEOUT_MS} ms`}): ${output.trim()}`);
  }
  if (!(await waitFor(async () => (await linkInfo(netns, name)) !== undefined, START_TIMEOUT_MS))) {
    throw new Error(`wireguard-go ${name} answers but no link ${name} in ${where(netns)}`);
  }
}

function onChildExit(name: string, child: ChildProcess): void {
  const entry = supervised.get(name);
  if (entry === undefined || entry.child !== child || entry.stopping) return;
  entry.child = undefined;
  scheduleRestart(name, entry);
}

function scheduleRestart(name: string, entry: Supervised): void {
  const delay = Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** entry.restarts);
  entry.restarts += 1;
  entry.timer = setTimeout(() => {
    if (entry.stopping || supervised.get(name) !== entry) return;
    withLock(name, () => converge(entry.config)).then(
      () => (entry.lastError = undefined),
      (error: unknown) => {
        entry.lastError = (error as Error).message;
        if (!entry.stopping && supervised.get(name) === entry && entry.child === undefined) scheduleRestart(name, entry);
      },
    );
  }, delay);
  entry.timer.unref();
}

async function wgSetWithKey(netns: Netns, name: string, privateKey: string | undefined, args: string[]): Promise<void> {
  if (privateKey === undefined) {
    await wg(netns, ['set', name, ...args]);
    return;
  }
  // Never on a command line (visible in /proc): a 0600 file in a 0700 directory, removed at once.
  const dir = await mkdtemp(join(tmpdir(), 'pn-wg-'));
  try {
    const keyFile = join(dir, 'private.key');
    await writeFile(keyFile, `${privateKey}\n`, { mode: 0o600, flag: 'wx' });
    await wg(netns, ['set', name, 'private-key', keyFile, ...args]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function where(netns: Netns): string {
  return netns === undefined ? 'the current network namespace' : `network namespace ${netns}`;
}
