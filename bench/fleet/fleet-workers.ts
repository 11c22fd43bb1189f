import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { FleetStatus, SimulatedHost } from './fleet-simulator.js';
import type { WorkerCommand, WorkerReport } from './sim-worker.js';

export interface FleetWorkersOptions {
  /** Processes to spread the agents over. */
  processes: number;
  platformUrl: URL;
  stateRoot: string;
  overlays: string[];
  rampPerSecond?: number;
  /** The worker script (default: sim-worker.js next to this file, i.e. in the build). */
  entry?: string;
}

/** The fleet simulator over several processes (from the build: `dist/bench/fleet/sim-worker.js`). */
export class FleetWorkers {
  private readonly children: { child: ChildProcess; status: FleetStatus | undefined; command: WorkerCommand }[] = [];

  constructor(private readonly options: FleetWorkersOptions) {}

  get pids(): number[] {
    return this.children.map((c) => c.child.pid!);
  }

  start(hosts: readonly SimulatedHost[]): void {
    const { processes, platformUrl, stateRoot, overlays, rampPerSecond } = this.options;
    for (let p = 0; p < processes; p += 1) {
      const perProcess = rampPerSecond ? Math.max(1, Math.round(rampPerSecond / processes)) : undefined;
      const command: WorkerCommand = {
        type: 'start',
        platformUrl: platformUrl.href,
        stateRoot: join(stateRoot, `w${p}`),
        overlays,
        hosts: hosts.filter((_, i) => i % processes === p),
        ...(perProcess ? { rampPerSecond: perProcess } : {}),
      };
      this.children.push({ child: this.fork(p, command), status: undefined, command });
    }
  }

  /** The hosts worker `p` runs. */
  hostsOf(p: number): readonly SimulatedHost[] {
    const { command } = this.children[p]!;
    return command.type === 'start' ? command.hosts : [];
  }

  /** A crash of worker `p`: SIGKILL, its agents and daemons die with it; their state directories stay. */
  async kill(p: number): Promise<void> {
    const { child } = this.children[p]!;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts worker `p` again on the same hosts and state: each agent resumes with the identity it stored. */
  restart(p: number): void {
    const slot = this.children[p]!;
    slot.status = undefined;
    slot.child = this.fork(p, slot.command);
  }

  private fork(p: number, command: WorkerCommand): ChildProcess {
    const child = fork(this.options.entry ?? join(import.meta.dirname, 'sim-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (report: WorkerReport) => {
      const slot = this.children[p];
      if (report.type === 'status' && slot?.child === child) slot.status = report.status;
    });
    child.send(command);
    return child;
  }

  /** The sum of the workers' last reports. */
  status(): FleetStatus {
    const all = this.children.map((c) => c.status).filter((s): s is FleetStatus => s !== undefined);
    const sum = (key: 'started' | 'running' | 'failed' | 'warnings' | 'errors') => all.reduce((n, s) => n + s[key], 0);
    const kinds: Record<string, number> = {};
    for (const [kind, n] of all.flatMap((s) => Object.entries(s.kinds ?? {}))) kinds[kind] = (kinds[kind] ?? 0) + n;
    return { started: sum('started'), running: sum('running'), failed: sum('failed'), warnings: sum('warnings'), errors: sum('errors'), kinds, recent: all.flatMap((s) => s.recent).slice(-10) };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.send({ type: 'stop' } satisfies WorkerCommand);
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
