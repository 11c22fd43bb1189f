import { existsSync } from 'node:fs';
import type { agentProtocol } from '@powernode/contracts';
import type { Logger } from 'pino';
import { Backoff, type BackoffPolicy } from '../../backoff.js';
import type { DockerAgentOptions } from '../../cli-args.js';
import { describeError } from '../../errors.js';
import { Wakeup } from '../../hub/wakeup.js';
import type { RuntimePlatformPort } from '../../platform-session.js';
import { sleep } from '../../sleep.js';
import type { Reconciler } from '../reconciler.js';
import type { CommandPrefix } from './command.js';
import type { Dial } from './daemon-client.js';
import type { DaemonRunner } from './daemon-runner.js';
import { DockerFactsBoard } from './docker-facts.js';
import { DockerFlow } from './docker-flow.js';
import { machineOps, type DockerHostOps } from './docker-host-ops.js';
import { SYSTEMD_RUNNING_MARKER, daemonRunMode, dockerPaths, type DaemonRunMode, type DockerPaths } from './docker-paths.js';
import { dockerWantOf, wantKey, type DockerWant } from './docker-want.js';
import { DockerdSupervisor } from './dockerd-supervisor.js';
import { HandshakeRefusedError, InstanceDecommissionedError } from './handshake-errors.js';
import { SystemdDockerd } from './systemd-dockerd.js';

export interface DockerReconcilerOptions {
  /** The agent's state directory: the reconciler keeps `docker/state.json` there. */
  stateDir: string;
  docker: DockerAgentOptions;
  platform: RuntimePlatformPort;
  logger: Logger;
  /** Prepended to dockerd and `ip` (tests: `nsenter --net=/var/run/netns/<ns> --`); production runs them as they are. */
  commandPrefix?: CommandPrefix;
  /** How the daemon ping reaches the overlay (tests: from inside their namespace). */
  dial?: Dial;
  /** Replaces the machine operations (unit tests). */
  ops?: DockerHostOps;
  /** Replaces the dockerd runner (unit tests). */
  createRunner?: (dockerd: string, paths: DockerPaths, mode: DaemonRunMode) => DaemonRunner;
  /** Where registry CAs go (tests); default: the machine's /etc/docker/certs.d, which dockerd reads. */
  registryCertsDir?: string;
  /** Whether systemd runs this machine; default: its marker directory exists. */
  systemdRunning?: boolean;
  /** Handshake retries (503 CaUnavailable, 409 DaemonUnreachable). */
  retry?: BackoffPolicy;
  /** Pause before a failed pass is tried again; a new desired state cuts it short. */
  failureBackoff?: BackoffPolicy & { minMs?: number };
  startTimeoutMs?: number;
  stopGraceMs?: number;
  /** The clock certificate renewal is judged by (unit tests move it). */
  now?: () => Date;
}

/** How long an idle worker (no docker module) sleeps when nothing wakes it. */
const IDLE_MS = 10 * 60_000;
/** After the platform refused a phase (422): look again this much later even without a new desired state. */
const REFUSED_RETRY_MS = 15 * 60_000;

/**
 * Turns the instance into a managed Docker host when its desired state carries a docker module (after the
 * SDWAN reconciler, which puts the overlay address in place). `reconcile()` runs inside the heartbeat loop, so
 * it only hands the latest desired state to a background worker and returns the current facts at once: an
 * install, a CA outage or a slow dockerd start never make the instance look offline. The worker runs one pass
 * at a time; a new assignment or configuration aborts the pass under way and starts over, and stopping the
 * agent aborts it and stops the supervised dockerd.
 */
export class DockerReconciler implements Reconciler {
  readonly name = 'docker';
  readonly paths: DockerPaths;
  private readonly facts = new DockerFactsBoard();
  private readonly flow: DockerFlow;
  private readonly wakeup = new Wakeup();
  private readonly lifetime = new AbortController();
  private passAbort = new AbortController();
  private want: DockerWant | undefined;
  private key = wantKey(undefined);
  private teardownReason: 'unassigned' | 'decommissioned' = 'unassigned';
  private decommissionedAssignment: string | undefined;
  private worker: Promise<void> | undefined;
  private finishedPasses = 0;
  /** setWant() calls, and how many of them the pass under way (or the last one) has seen. */
  private requested = 0;
  private served = 0;
  private waiting = false;
  private settledWaiters: (() => void)[] = [];

  constructor(private readonly options: DockerReconcilerOptions) {
    this.paths = dockerPaths(options.stateDir, options.docker.root, options.registryCertsDir);
    const mode = daemonRunMode(options.docker.root, options.systemdRunning ?? existsSync(SYSTEMD_RUNNING_MARKER));
    const createRunner =
      options.createRunner ??
      ((dockerd: string, paths: DockerPaths, runMode: DaemonRunMode): DaemonRunner =>
        runMode === 'systemd'
          ? new SystemdDockerd({ dockerd, daemonJson: paths.daemonJson })
          : new DockerdSupervisor({
              dockerd,
              configFile: paths.daemonJson,
              pidfile: paths.local?.pidfile ?? '/var/run/docker.pid',
              execRoot: paths.local?.execRoot ?? '/var/run/docker',
              ...(options.commandPrefix ? { prefix: options.commandPrefix } : {}),
              ...(options.stopGraceMs ? { stopGraceMs: options.stopGraceMs } : {}),
              logger: options.logger.child({ component: 'dockerd' }),
            }));
    this.flow = new DockerFlow({
      paths: this.paths,
      platform: options.platform,
      ops: options.ops ?? machineOps({ install: options.docker.install, denyServiceStart: mode === 'supervise', ...(options.commandPrefix ? { prefix: options.commandPrefix } : {}) }),
      createRunner: (dockerd) => createRunner(dockerd, this.paths, mode),
      facts: this.facts,
      logger: options.logger.child({ reconciler: 'docker' }),
      installStrategy: options.docker.install,
      lifetime: this.lifetime.signal,
      ...(options.dial ? { dial: options.dial } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.startTimeoutMs ? { startTimeoutMs: options.startTimeoutMs } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  async reconcile(desired: agentProtocol.DesiredState): Promise<Record<string, unknown>> {
    const want = dockerWantOf(desired);
    // The platform ended this host: a desired state that still lists the module does not bring it back.
    this.setWant(want !== undefined && want.assignment === this.decommissionedAssignment ? undefined : want, 'unassigned');
    return this.currentFacts();
  }

  async decommissioned(): Promise<void> {
    this.decommission();
  }

  private decommission(): void {
    if (this.want !== undefined) this.decommissionedAssignment = this.want.assignment;
    this.setWant(undefined, 'decommissioned');
  }

  /** Stops the worker and the supervised dockerd (not a teardown: certificates and config stay for the next start). */
  async close(): Promise<void> {
    this.lifetime.abort();
    this.passAbort.abort();
    await this.worker;
    await this.flow.close();
  }

  /** The facts as they are now (also what reconcile() returns). */
  currentFacts(): Record<string, unknown> {
    return this.facts.snapshot(this.flow.daemon?.facts());
  }

  /** How many passes the worker has finished (successful or not): tests wait for one to assert what it did not do. */
  get passes(): number {
    return this.finishedPasses;
  }

  /** Resolves once the worker has acted on every desired state handed to it and waits for the next one. */
  settled(): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private isSettled(): boolean {
    return this.worker === undefined || (this.waiting && this.served === this.requested);
  }

  /** The runner of the daemon, once the worker created it (tests look at the supervised process). */
  get daemon(): DaemonRunner | undefined {
    return this.flow.daemon;
  }

  private setWant(want: DockerWant | undefined, reason: 'unassigned' | 'decommissioned'): void {
    if (this.lifetime.signal.aborted) return;
    const key = wantKey(want);
    this.want = want;
    if (want === undefined) this.teardownReason = reason;
    if (key !== this.key) {
      this.key = key;
      this.passAbort.abort(); // the pass under way works for what is no longer wanted
    }
    this.requested += 1;
    this.worker ??= this.work();
    this.wakeup.fire();
  }

  private async work(): Promise<void> {
    const { minMs = 2_000, ...policy } = this.options.failureBackoff ?? { baseMs: 5_000, capMs: 5 * 60_000 };
    const failures = new Backoff(policy);
    while (!this.lifetime.signal.aborted) {
      const want = this.want;
      this.served = this.requested;
      this.passAbort = new AbortController();
      const signal = AbortSignal.any([this.lifetime.signal, this.passAbort.signal]);
      let waitMs = IDLE_MS;
      try {
        if (want === undefined) await this.flow.teardown(this.teardownReason, signal);
        else waitMs = (await this.flow.converge(want, signal)).recheckInMs;
        failures.reset();
        this.finishedPasses += 1;
      } catch (error) {
        if (signal.aborted) {
          this.finishedPasses += 1;
          continue;
        }
        if (error instanceof InstanceDecommissionedError) {
          this.finishedPasses += 1;
          this.decommission();
          continue;
        }
        await this.flow.reportFailure(error, signal).catch((e: unknown) => this.options.logger.warn({ err: describeError(e) }, 'could not report a docker failure'));
        this.finishedPasses += 1;
        // A refusal will not change by asking again: wait for a new desired state (or a platform upgrade).
        await sleep(error instanceof HandshakeRefusedError ? REFUSED_RETRY_MS : Math.max(minMs, failures.next()), signal);
        continue;
      }
      this.waiting = true;
      if (this.served === this.requested) for (const resolve of this.settledWaiters.splice(0)) resolve();
      await this.wakeup.wait(waitMs, signal);
      this.waiting = false;
    }
    for (const resolve of this.settledWaiters.splice(0)) resolve();
  }
}
