import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Backoff, type BackoffPolicy } from '../../backoff.js';
import type { CommandPrefix } from './command.js';
import { DaemonStartError, type DaemonRunner } from './daemon-runner.js';
import { LogTail } from './log-tail.js';

export interface DockerdSupervisorOptions {
  dockerd: string;
  configFile: string;
  /** daemon.json's pidfile: a dockerd left running by a killed agent is found by it and stopped before a start. */
  pidfile?: string;
  /** daemon.json's exec-root (default /var/run/docker): where dockerd keeps its containerd's pidfile. */
  execRoot?: string;
  /** Prepended to the dockerd command line (tests: nsenter into a namespace). */
  prefix?: CommandPrefix;
  logger: Logger;
  restartBackoff?: BackoffPolicy;
  stopGraceMs?: number;
}

/** A daemon that stayed up this long was healthy: its next death restarts quickly again. */
const STABLE_AFTER_MS = 60_000;

/**
 * Runs dockerd as the agent's child where there is no systemd (local instances): starts it, keeps its last log
 * lines, restarts it with backoff when it dies after it was healthy, and stops it with SIGTERM then SIGKILL.
 * A death before it was healthy is a failed start instead, reported with its last words, not retried here.
 */
export class DockerdSupervisor implements DaemonRunner {
  readonly mode = 'supervise' as const;
  private child: ChildProcess | undefined;
  private readonly exits = new WeakMap<ChildProcess, Promise<void>>();
  private readonly tail = new LogTail(20);
  private readonly backoff: Backoff;
  private readonly graceMs: number;
  private isHealthy = false;
  private stopped = true;
  private restartTimer: NodeJS.Timeout | undefined;
  private restarts = 0;
  private launchedAt = 0;
  private launching = false;
  private failStart: ((error: DaemonStartError) => void) | undefined;
  private failure: Promise<never> = new Promise<never>(() => undefined);

  constructor(private readonly options: DockerdSupervisorOptions) {
    this.backoff = new Backoff(options.restartBackoff ?? { baseMs: 500, capMs: 30_000 });
    this.graceMs = options.stopGraceMs ?? 15_000;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async recentLog(): Promise<string[]> {
    return this.tail.snapshot();
  }

  async start(): Promise<void> {
    this.stopped = true; // no restart of the old one while it is being replaced
    clearTimeout(this.restartTimer);
    await this.stopChild();
    await this.stopStale();
    this.stopped = false;
    this.isHealthy = false;
    this.backoff.reset();
    this.tail.clear();
    this.failure = new Promise<never>((_resolve, reject) => {
      this.failStart = reject;
    });
    this.failure.catch(() => undefined); // observed by startFailure(); never an unhandled rejection
    await this.launch();
  }

  startFailure(_signal?: AbortSignal): Promise<never> {
    return this.failure;
  }

  healthy(): void {
    this.isHealthy = true;
    this.failStart = undefined;
  }

  async isRunning(): Promise<boolean> {
    return !this.stopped && (this.child !== undefined || this.restartTimer !== undefined || this.launching);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.stopChild();
    await this.stopStale(); // a teardown after an agent restart: the daemon may be the old agent's
  }

  async forget(): Promise<void> {
    // Nothing installed outside the docker root.
  }

  facts(): Record<string, unknown> {
    return { mode: this.mode, running: this.child !== undefined, ...(this.child?.pid ? { pid: this.child.pid } : {}), restarts: this.restarts };
  }

  private async launch(): Promise<void> {
    this.launching = true;
    this.restartTimer = undefined;
    try {
      await this.clearDeadContainerdPid();
    } finally {
      this.launching = false;
    }
    if (this.stopped) return;
    const argv = [...(this.options.prefix ?? []), this.options.dockerd, '--config-file', this.options.configFile];
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.launchedAt = Date.now();
    child.stdout?.on('data', (chunk: Buffer) => this.tail.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.tail.push(chunk));
    this.exits.set(
      child,
      new Promise<void>((resolve) => {
        let done = false;
        const ended = (code: number | null, signal: NodeJS.Signals | null, error?: Error): void => {
          if (done) return;
          done = true;
          if (error) this.tail.push(`cannot run ${argv.join(' ')}: ${error.message}\n`);
          resolve();
          this.onExit(child, code, signal);
        };
        child.once('exit', (code, signal) => ended(code, signal));
        child.once('error', (error) => ended(null, null, error));
      }),
    );
    this.options.logger.info({ pid: child.pid, config: this.options.configFile }, 'dockerd started');
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return; // replaced or being stopped on purpose
    this.child = undefined;
    if (this.stopped) return;
    const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
    if (!this.isHealthy) {
      this.options.logger.warn({ code, signal, last_lines: this.tail.snapshot() }, 'dockerd exited while starting');
      this.failStart?.(new DaemonStartError(`dockerd exited while starting (${how})`, this.tail.snapshot()));
      this.stopped = true;
      return;
    }
    if (Date.now() - this.launchedAt >= STABLE_AFTER_MS) this.backoff.reset();
    const retryInMs = this.backoff.next();
    this.restarts += 1;
    this.options.logger.warn({ code, signal, restarts: this.restarts, retry_in_ms: retryInMs, last_lines: this.tail.snapshot().slice(-5) }, 'dockerd died; restarting');
    this.restartTimer = setTimeout(() => {
      if (!this.stopped) void this.launch();
    }, retryInMs);
  }

  private async stopChild(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    this.child = undefined;
    const exited = this.exits.get(child) ?? Promise.resolve();
    child.kill('SIGTERM');
    const grace = new AbortController();
    const timeout = delay(this.graceMs, 'timeout' as const, { signal: grace.signal }).catch(() => 'exited' as const);
    const outcome = await Promise.race([exited.then(() => 'exited' as const), timeout]);
    grace.abort();
    if (outcome === 'timeout') {
      this.options.logger.warn({ pid: child.pid, grace_ms: this.graceMs }, 'dockerd ignored SIGTERM; killing it');
      child.kill('SIGKILL');
      await exited;
    }
  }

  private async clearDeadContainerdPid(): Promise<void> {
    await clearDeadContainerdPidfile(this.options.execRoot ?? '/var/run/docker').catch(() => undefined);
  }

  /** A dockerd on our pidfile and our config that is not our child: left by an agent that was killed. */
  private async stopStale(): Promise<void> {
    if (this.options.pidfile === undefined) return;
    const pid = Number((await readFile(this.options.pidfile, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(pid) || pid <= 0) return;
    const argv = await argvOf(pid);
    if (argv === undefined || !argv.some((arg) => arg.endsWith('dockerd')) || !argv.includes(this.options.configFile)) return;
    this.options.logger.warn({ pid }, 'stopping a dockerd left by an earlier agent');
    signalPid(pid, 'SIGTERM');
    const deadline = Date.now() + this.graceMs;
    while ((await argvOf(pid)) !== undefined) {
      if (Date.now() >= deadline) {
        signalPid(pid, 'SIGKILL');
        break;
      }
      await delay(100);
    }
    while ((await argvOf(pid)) !== undefined) await delay(50);
  }
}

/**
 * dockerd adopts the containerd named in `<exec-root>/containerd/containerd.pid` if that pid exists. When dockerd
 * is killed its containerd dies too, but where nothing reaps orphans (a minimal init) it lingers as a zombie:
 * the next dockerd would adopt the zombie and fail after a 15 s timeout. A pid that is not a live process goes.
 */
async function clearDeadContainerdPidfile(execRoot: string): Promise<void> {
  const path = join(execRoot, 'containerd', 'containerd.pid');
  const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
  if (Number.isInteger(pid) && pid > 0 && (await argvOf(pid)) === undefined) await rm(path, { force: true });
}

/** A live (not zombie) process's argv, or undefined. */
async function argvOf(pid: number): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined;
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}
