import { resolve } from 'node:path';
import { handshakeActions, type EventEnvelope } from '@powernode/contracts';
import { tailEvents } from '@powernode/eventstore';
import { runWhileLeader, untilAborted, type Lease, type LeaderJob, type Logger } from '@powernode/service-kit';
import type { InstanceService } from '../instance/instance.service.js';
import type { InstanceRow } from '../instance/instances.projection.js';
import { dockerRootOf, stateDirOf, type InstanceProvider } from '../providers/index.js';
import type { CatalogRuntime } from '../runtime.js';

export interface InstanceReconcilerOptions {
  agentEntry: string;
  platformPort: number;
  stateRoot: string;
  intervalMs: number;
  /** Runs first on every new hold, before reconciling (the local provider: clear leftovers, ensure the gateway link). */
  prepare?: () => Promise<void>;
}

/**
 * Makes instances real: for every instance that is not decommissioned, the provider keeps a
 * machine with a running agent; for every decommissioned one, nothing is left. It reacts to
 * instance events at once and re-checks everything on an interval, so a missed event, a dead
 * agent or a restart of the platform heals by itself. Provisioning is idempotent.
 *
 * With several catalog replicas only the holder of `lease` reconciles (the provider's machines are one set, and every
 * replica would otherwise spawn its own agent for each instance); a standby takes over on its next hold and adopts the
 * running agents (provision finds them alive).
 */
export class InstanceReconciler {
  private leader?: LeaderJob;
  private running = Promise.resolve();
  /** Until start() returned: a failing `prepare` fails the boot instead of reconciling. */
  private booting = true;

  constructor(
    private readonly runtime: CatalogRuntime,
    private readonly instances: InstanceService,
    private readonly provider: InstanceProvider,
    private readonly options: InstanceReconcilerOptions,
    private readonly logger: Logger,
    private readonly lease: Lease,
  ) {}

  /**
   * Starts reconciling whenever this replica holds the lease. When it holds it now, resolves once `prepare` ran, and
   * fails (stopped again) if that failed, as a boot would.
   */
  async start(): Promise<void> {
    let prepared!: (error?: unknown) => void;
    const firstPrepared = new Promise<unknown>((resolve) => (prepared = resolve));
    this.leader = runWhileLeader(this.lease, (signal) => this.reconcileWhileHeld(signal, prepared), this.logger);
    const error = this.lease.isHeld() ? await firstPrepared : undefined;
    this.booting = false;
    if (error !== undefined) {
      await this.leader.stop();
      throw error;
    }
  }

  /**
   * Stops reacting; then, if this replica holds the lease, stops every agent and removes every machine (a clean
   * platform shutdown). A standby leaves them alone: the provider's shutdown sweeps the whole prefix, the leader's too.
   */
  async stop(): Promise<void> {
    await this.leader?.stop();
    await this.running;
    if (this.lease.isHeld()) await this.provider.shutdown();
    else this.logger.info('not the lease holder: instances are left to the replica that holds it');
  }

  /** Waits for the work queued so far (tests). */
  settled(): Promise<void> {
    return this.running;
  }

  private async reconcileWhileHeld(signal: AbortSignal, prepared: (error?: unknown) => void): Promise<void> {
    try {
      await this.options.prepare?.();
      prepared();
    } catch (error) {
      // At boot start() fails with it; on a later takeover provisioning ensures what it needs per instance anyway.
      this.logger.error({ err: error }, 'instance provider preparation failed');
      prepared(error);
      if (this.booting) return;
    }
    const tail = tailEvents(this.runtime.nc, this.runtime.store.config, this.runtime.registry, 'system.catalog.instance', (event) => this.onEvent(event));
    const timer = setInterval(() => this.enqueue(() => this.reconcileAll()), this.options.intervalMs);
    timer.unref();
    this.enqueue(() => this.reconcileAll());
    await untilAborted(signal);
    tail.stop();
    clearInterval(timer);
    await this.running;
  }

  private onEvent(event: EventEnvelope): void {
    const instanceId = String(event.data.instance_id);
    if (event.kind === 'system.catalog.instance.provisioned') this.enqueue(() => this.ensureRunning(instanceId, 'provisioning'));
    if (event.kind === 'system.catalog.instance.decommissioned') this.enqueue(() => this.provider.decommission(instanceId));
  }

  // One change at a time: the provider serialises per instance, this keeps the log readable too.
  private enqueue(work: () => Promise<void>): void {
    this.running = this.running.then(work).catch((error: unknown) => this.logger.error({ err: error }, 'instance reconcile failed'));
  }

  private async reconcileAll(): Promise<void> {
    const rows: InstanceRow[] = await this.instances.list({ include_decommissioned: true, limit: 10_000 });
    const present = new Set((await this.provider.list()).map((p) => p.instanceId));
    for (const row of rows) {
      if (row.status === 'decommissioned') {
        if (present.has(row.id)) await this.provider.decommission(row.id);
      } else if (row.provider === this.provider.name) {
        await this.ensureRunning(row.id, row.status).catch((error: unknown) => this.logger.warn({ err: error, instanceId: row.id }, 'instance not running yet'));
      }
    }
  }

  /** A machine with a live agent; an agent that has not enrolled yet gets a fresh bootstrap token. */
  private async ensureRunning(instanceId: string, status: string): Promise<void> {
    const known = (await this.provider.list()).find((p) => p.instanceId === instanceId);
    const enrolled = status !== 'provisioning';
    const env: Record<string, string> = {};
    if (!enrolled || !known) {
      const { token } = (await this.runtime.rpc.callInternal(handshakeActions.handshakeIssueBootstrapToken, { instance_id: instanceId }, 'catalog')) as { token: string };
      env.POWERNODE_BOOTSTRAP_TOKEN = token;
    }
    const provisioned = await this.provider.provision({
      instanceId,
      agent: {
        command: process.execPath,
        args: [
          resolve(this.options.agentEntry),
          '--platform-url',
          `https://[{host_ipv6}]:${this.options.platformPort}`,
          '--state-dir',
          resolve(this.options.stateRoot, instanceId, 'agent'),
          // Its own dockerd beside the other instances' (data-root, exec-root, pidfile, daemon.json, TLS under
          // it), supervised by the agent; erased with the instance's state dir on decommission.
          '--docker-root',
          dockerRootOf(stateDirOf(this.options.stateRoot, instanceId)),
        ],
        env,
      },
    });
    if (!known) this.logger.info({ instanceId, namespace: provisioned.namespace, agentPid: provisioned.agentPid }, 'instance provisioned');
  }
}
