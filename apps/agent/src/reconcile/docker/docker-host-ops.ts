import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DockerInstallStrategy } from '../../cli-args.js';
import { writeFileAtomic } from '../../atomic-file.js';
import { runCommand, type CommandPrefix } from './command.js';
import { pingDaemon, stopAllContainers, type DaemonEndpoint } from './daemon-client.js';
import { dockerdVersion, findDockerd, installDocker } from './dockerd-install.js';
import { overlayPresent } from './overlay.js';

/** What the Docker flow does to the machine, apart from the TLS files and its own state (replaced in unit tests). */
export interface DockerHostOps {
  findDockerd(): Promise<string | undefined>;
  dockerdVersion(dockerd: string): Promise<string>;
  install(onProgress: (line: string) => void, signal: AbortSignal): Promise<void>;
  overlayPresent(address: string): Promise<boolean>;
  /** Writes daemon.json atomically, 0644 (dockerd reads it as root; it holds no secret). */
  writeDaemonJson(path: string, content: string): Promise<void>;
  ping(endpoint: DaemonEndpoint, signal: AbortSignal): Promise<{ version: string }>;
  stopContainers(endpoint: DaemonEndpoint, signal: AbortSignal): Promise<number>;
  /** Unmounts what a killed dockerd left mounted under `dir` (its data-root bind mount), deepest first. */
  unmountUnder(dir: string): Promise<void>;
}

export interface MachineOpsOptions {
  install: DockerInstallStrategy;
  /** Where the agent runs dockerd itself: keep the package from starting a second one (see installDocker). */
  denyServiceStart: boolean;
  /** Prepended to `ip` (tests: nsenter into the test namespace). */
  prefix?: CommandPrefix;
}

/** The real machine. */
export function machineOps(options: MachineOpsOptions): DockerHostOps {
  return {
    findDockerd: () => findDockerd(),
    dockerdVersion,
    install: (onProgress, signal) => installDocker(options.install, { onProgress, signal, denyServiceStart: options.denyServiceStart }),
    overlayPresent: (address) => overlayPresent(address, options.prefix ?? []),
    writeDaemonJson: async (path, content) => {
      await mkdir(dirname(path), { recursive: true, mode: 0o755 });
      await writeFileAtomic(path, content, 0o644);
    },
    ping: pingDaemon,
    stopContainers: stopAllContainers,
    unmountUnder,
  };
}

export async function unmountUnder(dir: string): Promise<void> {
  const root = dir.replace(/\/+$/, '');
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined && (point === root || point.startsWith(`${root}/`)))
    .map((point) => point.replace(/\\040/g, ' '));
  for (const point of [...new Set(points)].sort((a, b) => b.length - a.length)) {
    await runCommand(['umount', '-l', point], { timeoutMs: 10_000 }).catch(() => undefined);
  }
}
