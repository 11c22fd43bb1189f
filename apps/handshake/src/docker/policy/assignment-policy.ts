import type { EventEnvelope } from '@powernode/contracts';
import { ProjectionRunner, type CommandMeta } from '@powernode/eventstore';
import { applyWhile, selectDocs, tracedProjection } from '@powernode/service-runtime';
import { runWhileLeader, type LeaderJob } from '@powernode/service-kit';
import type { HandshakeRuntime } from '../../runtime.js';
import { DOCKER_SETTINGS } from '../docker-settings.js';
import { revokeDaemonCertificate } from '../provisioning/daemon-revocation.js';
import { lastStreamSeq } from '../../stream-position.js';
import { dockerHostsProjection, type DockerHosts } from '@powernode/docker-host';
import { hostMatches, planFor, samePlan, type AssignmentPlan } from './assignment-plan.js';
import { assignmentPolicyProjection, instanceKey, templateKey, type PolicyInstanceRow, type PolicyRow, type PolicyTemplateRow } from './assignment-policy.projection.js';

const ACTOR = 'service:handshake';
const MAX_RETRY_MS = 60_000;
/** Reconciles run this many instances at a time (a template with many instances). */
const PARALLEL = 4;

/**
 * The template path of docker assignment: a durable consumer over the catalog's events that keeps its own
 * rows (templates' docker modules, instances' templates) and, once they are committed, brings each affected
 * instance's DockerHost in line with them (module.assigned via template, module.unassigned,
 * runtime.decommissioned). It reacts to state, not to the single event, and every command goes through the
 * host's idempotent decider, so a redelivered or repeated reaction records nothing.
 *
 * A reaction runs after its batch committed: one lost to a crash or a failing append is found again by the
 * sweep (once caught up at start, then every minute), which compares the policy's rows with the hosts read model.
 * The sweep runs on the lease holder only; the reactions run wherever the shared durable consumer delivers an event.
 */
export class DockerAssignmentPolicy {
  private readonly runner: ProjectionRunner<PolicyRow>;
  private sweepTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private retryMs = 1_000;
  private readonly failed = new Set<string>();
  private stopped = false;
  private applying?: LeaderJob;
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly runtime: HandshakeRuntime,
    private readonly hosts: DockerHosts,
    /** Whether this replica holds the handshake's lease: only the holder sweeps (reactions run on every replica). */
    private readonly isLeader: () => boolean = () => true,
  ) {
    this.runner = new ProjectionRunner({
      nc: runtime.nc,
      dataSource: runtime.db,
      store: runtime.store.config,
      registry: runtime.registry,
      service: runtime.config.DATABASE_SCHEMA,
      projection: tracedProjection(assignmentPolicyProjection),
      logger: runtime.logger,
      onApplied: (event) => this.onApplied(event),
    });
  }

  async start(): Promise<void> {
    await this.runner.prepare();
    // Applied (and reacted to) by the replica that applies the service's projections: one reaction per event.
    this.applying = runWhileLeader(this.runtime.projectionLease, (signal) => applyWhile([this.runner], signal, this.runtime.logger), this.runtime.logger);
    const every = DOCKER_SETTINGS.policySweepMs;
    const sweep = () => {
      if (this.isLeader()) void this.sweep().catch((error: unknown) => this.runtime.logger.warn({ err: error }, 'docker assignment sweep failed'));
    };
    this.sweepTimer = setInterval(sweep, every);
    this.sweepTimer.unref();
    // The first sweep once the policy caught up with the stream: before that its rows are only part of the story.
    void lastStreamSeq(this.runtime)
      .then((seq) => this.runner.waitFor(seq, every))
      .catch(() => undefined)
      .then(() => !this.stopped && sweep());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    clearTimeout(this.retryTimer);
    await this.applying?.stop();
    await Promise.all(this.chains.values());
  }

  /**
   * For a handshake that finds no assignment on the host while the agent's desired state has one: lets the
   * policy catch up with everything appended so far, then reconciles the instance from the policy's rows.
   */
  async settle(instanceId: string, meta: CommandMeta): Promise<void> {
    await this.runner.waitFor(await lastStreamSeq(this.runtime), 5_000).catch((error: unknown) => this.runtime.logger.warn({ err: error }, 'docker assignment policy is behind'));
    await this.reconcile(instanceId, meta);
  }

  /**
   * Drives the host to the plan, then reads the plan again: a catalog change committed meanwhile (whose own
   * reaction may have run before this one appended) is applied too, so the last writer always acts on the
   * latest plan. One instance at a time per process.
   */
  reconcile(instanceId: string, meta: CommandMeta): Promise<void> {
    const previous = this.chains.get(instanceId) ?? Promise.resolve();
    const run = previous.then(async () => {
      let plan = await this.plan(instanceId);
      for (let round = 0; round < 5; round += 1) {
        await this.apply(instanceId, plan, meta);
        const again = await this.plan(instanceId);
        if (samePlan(plan, again)) return;
        plan = again;
      }
    });
    const settled = run.catch(() => undefined).finally(() => {
      if (this.chains.get(instanceId) === settled) this.chains.delete(instanceId);
    });
    this.chains.set(instanceId, settled);
    return run;
  }

  private async apply(instanceId: string, plan: AssignmentPlan, meta: CommandMeta): Promise<void> {
    switch (plan.kind) {
      case 'none':
        return;
      case 'decommission': {
        const { state, events } = await this.hosts.execute(instanceId, { type: 'DecommissionRuntime', data: {} }, meta);
        if (events.length > 0 && state.certificate) await revokeDaemonCertificate(this.runtime, instanceId, state.certificate.serial);
        return;
      }
      case 'assign':
        await this.hosts.execute(instanceId, { type: 'AssignModule', data: { via: 'template', module: plan.module } }, meta);
        return;
      case 'unassign':
        await this.hosts.execute(instanceId, { type: 'UnassignModule', data: { via: 'template', reason: 'unassigned from the template' } }, meta);
        return;
      default: {
        const unreachable: never = plan;
        throw new Error(`unknown plan ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private async plan(instanceId: string): Promise<AssignmentPlan> {
    const [instance] = (await selectDocs(this.runtime, assignmentPolicyProjection, 'key = $1', [instanceKey(instanceId)])) as PolicyInstanceRow[];
    if (!instance?.template_id) return planFor(instance, undefined);
    const [template] = (await selectDocs(this.runtime, assignmentPolicyProjection, 'key = $1', [templateKey(instance.template_id)])) as PolicyTemplateRow[];
    return planFor(instance, template);
  }

  private async onApplied(event: EventEnvelope): Promise<void> {
    const meta: CommandMeta = { actor: ACTOR, correlationId: event.correlation_id, causationId: event.id, traceparent: event.traceparent };
    let instanceIds: string[];
    if (event.kind === 'system.catalog.template.module_assigned' || event.kind === 'system.catalog.template.module_unassigned') {
      // An unassignment does not say its runtime: every instance of the template is checked (no host: one read).
      if (event.kind === 'system.catalog.template.module_assigned' && event.data.runtime !== 'docker') return;
      instanceIds = await this.liveInstancesOf(String(event.data.template_id)).catch((error: unknown) => {
        this.runtime.logger.error({ err: error, template_id: event.data.template_id }, 'docker assignment: cannot list the template’s instances; the sweep will');
        return [];
      });
    } else {
      instanceIds = [String(event.data.instance_id)];
    }
    await this.reconcileAll(instanceIds, meta);
  }

  private async reconcileAll(instanceIds: string[], meta: CommandMeta): Promise<void> {
    const queue = [...instanceIds];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && !this.stopped; id = queue.shift()) {
        try {
          await this.reconcile(id, meta);
          this.failed.delete(id);
        } catch (error) {
          this.runtime.logger.warn({ err: error, instance_id: id }, 'docker assignment failed; retrying');
          this.failed.add(id);
          this.scheduleRetry();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      const ids = [...this.failed];
      this.failed.clear();
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
      void this.reconcileAll(ids, { actor: ACTOR }).then(() => {
        if (!this.failed.size) this.retryMs = 1_000;
      });
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private liveInstancesOf(templateId: string): Promise<string[]> {
    return selectDocs(this.runtime, assignmentPolicyProjection, `key LIKE 'i:%' AND doc->>'template_id' = $1 AND doc->>'decommissioned' = 'false'`, [templateId]).then((rows) =>
      rows.map((r) => (r as PolicyInstanceRow).instance_id),
    );
  }

  /** Instances whose host (as the read model has it) does not match the policy's plan. */
  private async sweep(): Promise<void> {
    const rows = await selectDocs(this.runtime, assignmentPolicyProjection, '', []);
    const templates = new Map(rows.filter((r): r is PolicyTemplateRow => r.kind === 'template').map((t) => [t.template_id, t]));
    const hosts = new Map((await selectDocs(this.runtime, dockerHostsProjection, '', [])).map((h) => [h.instanceId, h]));
    const mismatched = rows
      .filter((r): r is PolicyInstanceRow => r.kind === 'instance')
      .filter((i) => !hostMatches(planFor(i, i.template_id ? templates.get(i.template_id) : undefined), hosts.get(i.instance_id)))
      .map((i) => i.instance_id);
    if (mismatched.length) this.runtime.logger.info({ instances: mismatched.length }, 'docker assignment sweep: reconciling');
    await this.reconcileAll(mismatched, { actor: ACTOR });
  }
}
