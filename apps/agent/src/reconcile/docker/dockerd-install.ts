import { access, constants, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { DockerInstallStrategy } from '../../cli-args.js';
import { runCommand, runWithLines } from './command.js';

/** Debian packages dockerd here (Debian 12: docker.io 20.10); it starts its own containerd. */
export const APT_PACKAGE = 'docker.io';
const POLICY_RC = '/usr/sbin/policy-rc.d';

/** Thrown when dockerd is missing and the strategy does not install it: the operator has to. */
export class DockerNotInstalledError extends Error {
  override name = 'DockerNotInstalledError';
}

/** Where dockerd is: on PATH, or in /usr/sbin (which a non-root PATH often lacks); undefined when absent. */
export async function findDockerd(path: string = process.env.PATH ?? ''): Promise<string | undefined> {
  const dirs = [...path.split(delimiter).filter(Boolean), '/usr/sbin', '/usr/bin', '/usr/local/bin'];
  for (const dir of [...new Set(dirs)]) {
    const candidate = join(dir, 'dockerd');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `Docker version 20.10.24+dfsg1, build 5d6db84` → `20.10.24+dfsg1`. */
export function parseDockerdVersion(output: string): string {
  return /version\s+([^\s,]+)/i.exec(output)?.[1] ?? output.trim().slice(0, 64);
}

const versions = new Map<string, { key: string; version: string }>();

/**
 * The installed dockerd's version. Asked once per binary (path, size, mtime): `dockerd --version` costs a process
 * start on every assignment's first phase, and the binary only changes when a package is installed.
 */
export async function dockerdVersion(dockerd: string): Promise<string> {
  const info = await stat(dockerd);
  const key = `${info.size}:${info.mtimeMs}`;
  const known = versions.get(dockerd);
  if (known?.key === key) return known.version;
  const version = parseDockerdVersion(await runCommand([dockerd, '--version'], { timeoutMs: 10_000 }));
  versions.set(dockerd, { key, version });
  return version;
}

export interface InstallOptions {
  onProgress: (line: string) => void;
  signal: AbortSignal;
  /**
   * The package's postinst starts dockerd through invoke-rc.d. Where the agent runs dockerd itself that would be
   * a second daemon in the root namespace (and it sets the FORWARD policy to DROP): refuse service starts
   * during the install with a temporary policy-rc.d, unless the machine already has one.
   */
  denyServiceStart: boolean;
}

/** Installs dockerd by `strategy`; `none` fails with what the operator has to do. */
export async function installDocker(strategy: DockerInstallStrategy, options: InstallOptions): Promise<void> {
  if (strategy === 'none') {
    throw new DockerNotInstalledError(`dockerd is not installed and --docker-install is none: install Debian's ${APT_PACKAGE} (or docker-ce) on this machine`);
  }
  const policy = options.denyServiceStart ? await denyServiceStarts() : undefined;
  const env = { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confold', APT_PACKAGE];
  try {
    try {
      await runWithLines(install, options.onProgress, { env, signal: options.signal });
    } catch (error) {
      if (options.signal.aborted) throw error;
      // Stale or missing package lists are the usual cause on a fresh machine.
      options.onProgress('apt-get install failed; updating the package lists and trying once more');
      await runWithLines(['apt-get', 'update'], options.onProgress, { env, signal: options.signal });
      await runWithLines(install, options.onProgress, { env, signal: options.signal });
    }
  } finally {
    await policy?.restore();
  }
}

async function denyServiceStarts(): Promise<{ restore(): Promise<void> } | undefined> {
  try {
    await writeFile(POLICY_RC, '#!/bin/sh\n# powernode-agent: no service starts while it installs docker.io\nexit 101\n', { mode: 0o755, flag: 'wx' });
  } catch {
    return undefined; // one exists already: it decides
  }
  return { restore: () => rm(POLICY_RC, { force: true }) };
}
