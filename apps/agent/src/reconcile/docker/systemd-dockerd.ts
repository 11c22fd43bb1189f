import { mkdir, readFile, rm } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { writeFileAtomic } from '../../atomic-file.js';
import { runCommand } from './command.js';
import { DaemonStartError, type DaemonRunner } from './daemon-runner.js';
import { SYSTEMD_DROPIN_DIR, SYSTEMD_DROPIN_PATH, systemdDropin } from './systemd-dropin.js';

export type Run = (argv: readonly string[]) => Promise<string>;

/**
 * The machine's dockerd under systemd (a VM with the packaged unit): the agent's drop-in replaces the
 * packaged `-H fd://` ExecStart, then `systemctl restart docker` picks up daemon.json and the certificates.
 */
export class SystemdDockerd implements DaemonRunner {
  readonly mode = 'systemd' as const;
  private starting = false;

  constructor(
    private readonly options: { dockerd: string; daemonJson: string; run?: Run; pollMs?: number },
  ) {}

  private get run(): Run {
    return this.options.run ?? ((argv) => runCommand(argv, { timeoutMs: 120_000 }));
  }

  async start(): Promise<void> {
    const text = systemdDropin(this.options.dockerd, this.options.daemonJson);
    const current = await readFile(SYSTEMD_DROPIN_PATH, 'utf8').catch(() => undefined);
    if (current !== text) {
      await mkdir(SYSTEMD_DROPIN_DIR, { recursive: true });
      await writeFileAtomic(SYSTEMD_DROPIN_PATH, text, 0o644);
      await this.run(['systemctl', 'daemon-reload']);
    }
    this.starting = true;
    try {
      await this.run(['systemctl', 'restart', 'docker']);
    } catch (error) {
      this.starting = false;
      throw new DaemonStartError(`systemctl restart docker failed: ${(error as Error).message}`, await this.journal());
    }
  }

  async startFailure(signal: AbortSignal): Promise<never> {
    while (!signal.aborted) {
      await delay(this.options.pollMs ?? 1_000, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) break;
      if (!this.starting) continue;
      const state = (await this.run(['systemctl', 'is-active', 'docker']).catch((error: { output?: string }) => error.output ?? '')).trim();
      if (state === 'failed' || state === 'inactive') {
        this.starting = false;
        throw new DaemonStartError(`docker.service is ${state} after its start`, await this.journal());
      }
    }
    return new Promise<never>(() => undefined); // the caller stopped watching
  }

  healthy(): void {
    this.starting = false;
  }

  async isRunning(): Promise<boolean> {
    const state = await this.run(['systemctl', 'is-active', 'docker']).catch(() => 'inactive');
    return state.trim() === 'active';
  }

  async stop(): Promise<void> {
    await this.run(['systemctl', 'stop', 'docker']);
  }

  async forget(): Promise<void> {
    if ((await readFile(SYSTEMD_DROPIN_PATH, 'utf8').catch(() => undefined)) === undefined) return;
    await rm(SYSTEMD_DROPIN_PATH, { force: true });
    await this.run(['systemctl', 'daemon-reload']);
  }

  facts(): Record<string, unknown> {
    return { mode: this.mode };
  }

  recentLog(): Promise<string[]> {
    return this.journal();
  }

  private async journal(): Promise<string[]> {
    const out = await this.run(['journalctl', '-u', 'docker.service', '-n', '20', '--no-pager', '-o', 'cat']).catch(() => '');
    return out.split('\n').filter((line) => line.trim() !== '');
  }
}
