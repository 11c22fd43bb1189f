import { execFile } from 'node:child_process';

/** Where a command runs: a named network namespace (`/var/run/netns/<name>`) or, without one, the current namespace. */
export type Netns = string | undefined;

export class CommandError extends Error {
  constructor(
    readonly command: readonly string[],
    readonly stderr: string,
    readonly exitCode: number | string | null,
  ) {
    super(`${command.join(' ')} failed (${exitCode}): ${stderr.trim() || 'no output'}`);
    this.name = 'CommandError';
  }
}

const NETNS_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function netnsPath(netns: string): string {
  if (!NETNS_NAME.test(netns) || netns === '.' || netns === '..') throw new Error(`invalid network namespace name "${netns}"`);
  return `/var/run/netns/${netns}`;
}

/** argv that runs `argv` inside `netns` (nsenter, not `ip netns exec`, which remounts /sys). */
export function inNetns(netns: Netns, argv: readonly string[]): string[] {
  return netns === undefined ? [...argv] : ['nsenter', `--net=${netnsPath(netns)}`, '--', ...argv];
}

/** Runs a program (no shell) and resolves with its stdout; rejects with CommandError carrying stderr. */
export function run(argv: readonly string[], timeoutMs = 15_000): Promise<string> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('empty command');
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException & { code?: number | string }).code ?? error.signal ?? null;
        reject(new CommandError(argv, String(stderr || error.message), code));
      } else {
        resolve(String(stdout));
      }
    });
  });
}

/** `ip` against a namespace (`ip -n`), or the current one. */
export function ip(netns: Netns, args: readonly string[]): Promise<string> {
  return run(netns === undefined ? ['ip', ...args] : ['ip', '-n', netns, ...args]);
}

/** `wg` inside a namespace (kernel WireGuard answers over that namespace's netlink). */
export function wg(netns: Netns, args: readonly string[]): Promise<string> {
  return run(inNetns(netns, ['wg', ...args]));
}
