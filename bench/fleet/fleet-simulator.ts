import { mkdir, rm } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { describeError } from '../../apps/agent/src/errors.js';
import { FleetLog } from './fleet-log.js';
import { runSimAgent } from './sim-agent.js';
import type { OverlayAddresses } from './sim-machine.js';

/** A host of the fleet as the platform provisioned it: its instance and its single-use bootstrap token. */
export interface SimulatedHost {
  instanceId: string;
  bootstrapToken: string;
}

export interface FleetSimulatorOptions {
  platformUrl: URL;
  /** Each agent's state directory goes under it (tmpfs for a big fleet: /dev/shm). */
  stateRoot: string;
  link: OverlayAddresses;
  /** Agents started per second (a fleet powering on, not one SYN flood); default: all at once. */
  rampPerSecond?: number;
  log?: FleetLog;
}

export interface FleetStatus {
  started: number;
  running: number;
  /** Agents that stopped for good (a refused token, a crash): each one an error. */
  failed: number;
  warnings: number;
  errors: number;
  /** Warnings and errors by kind (FleetLog.kinds). */
  kinds: Record<string, number>;
  recent: string[];
}

/**
 * Runs many simulated agents in this process, each the real agent on a simulated machine (see runSimAgent).
 * The agents share this event loop and nothing else: each has its own key, identity, state directory,
 * connection pool and daemon.
 */
export class FleetSimulator {
  readonly log: FleetLog;
  private readonly stop = new AbortController();
  private readonly runs: Promise<void>[] = [];
  private started = 0;
  private running = 0;
  private failed = 0;
  private readonly failures: string[] = [];

  constructor(private readonly options: FleetSimulatorOptions) {
    this.log = options.log ?? new FleetLog();
    setMaxListeners(0, this.stop.signal); // every agent listens to the one stop signal
  }

  /** Starts one agent per host, paced by rampPerSecond; resolves once every agent has been started. */
  async start(hosts: readonly SimulatedHost[]): Promise<void> {
    const perTick = this.options.rampPerSecond ? Math.max(1, Math.round(this.options.rampPerSecond / 20)) : hosts.length;
    for (let i = 0; i < hosts.length && !this.stop.signal.aborted; i += perTick) {
      for (const host of hosts.slice(i, i + perTick)) this.runs.push(this.runOne(host));
      if (i + perTick < hosts.length) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  status(): FleetStatus {
    return {
      started: this.started,
      running: this.running,
      failed: this.failed,
      warnings: this.log.warnings,
      errors: this.log.errors + this.failed,
      kinds: { ...this.log.kinds },
      recent: [...this.failures.slice(-5), ...this.log.recent.slice(-10)],
    };
  }

  /**
   * Stops every agent (their daemons close with them) and removes their state. An agent that has not stopped
   * within `withinMs` of the abort is a fault of the agent: close() rejects and names where those agents were.
   */
  async close(withinMs = 30_000): Promise<void> {
    this.stop.abort();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), withinMs)));
    const outcome = await Promise.race([Promise.all(this.runs), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      throw new Error(`${this.running} of ${this.started} agents did not stop within ${withinMs} ms of the abort; last lines: ${this.log.recent.slice(-5).join(' | ')}`);
    }
    await rm(this.options.stateRoot, { recursive: true, force: true });
  }

  private async runOne(host: SimulatedHost): Promise<void> {
    const stateDir = join(this.options.stateRoot, host.instanceId);
    this.started += 1;
    this.running += 1;
    try {
      await mkdir(stateDir, { recursive: true, mode: 0o700 });
      await runSimAgent({
        platformUrl: this.options.platformUrl,
        bootstrapToken: host.bootstrapToken,
        stateDir,
        link: this.options.link,
        logger: this.log.logger.child({ instance_id: host.instanceId }),
        signal: this.stop.signal,
      });
    } catch (error) {
      this.failed += 1;
      this.failures.push(`${host.instanceId}: ${describeError(error).message}`);
      if (this.failures.length > 20) this.failures.shift();
    } finally {
      this.running -= 1;
    }
  }
}
