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
}

/** The fleet simulator over several processes (from the build: `dist/bench/fleet/sim-worker.js`). */
export class FleetWorkers {
  private readonly children: { child: ChildProcess; status: FleetStatus | undefined }[] = [];

  constructor(private readonly options: FleetWorkersOptions) {}

  get pids(): number[] {
    return this.children.map((c) => c.child.pid!);
  }

  start(hosts: readonly SimulatedHost[]): void {
    const { processes, platformUrl, stateRoot, overlays, rampPerSecond } = this.options;
    const entry = join(import.meta.dirname, 'sim-worker.js');
    for (let p = 0; p < processes; p += 1) {
      const child = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const slot = { child, status: undefined as FleetStatus | undefined };
      child.on('message', (report: WorkerReport) => {
        if (report.type === 'status') slot.status = report.status;
      });
      this.children.push(slot);
      const mine = hosts.filter((_, i) => i % processes === p);
      const perProcess = rampPerSecond ? Math.max(1, Math.round(rampPerSecond / processes)) : undefined;
      const command: WorkerCommand = {
        type: 'start',
        platformUrl: platformUrl.href,
        stateRoot: join(stateRoot, `w${p}`),
        overlays,
        hosts: mine,
        ...(perProcess ? { rampPerSecond: perProcess } : {}),
      };
      child.send(command);
    }
  }

  /** The sum of the workers' last reports. */
  status(): FleetStatus {
    const all = this.children.map((c) => c.status).filter((s): s is FleetStatus => s !== undefined);
    const sum = (key: 'started' | 'running' | 'failed' | 'warnings' | 'errors') => all.reduce((n, s) => n + s[key], 0);
    return { started: sum('started'), running: sum('running'), failed: sum('failed'), warnings: sum('warnings'), errors: sum('errors'), recent: all.flatMap((s) => s.recent).slice(-10) };
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
