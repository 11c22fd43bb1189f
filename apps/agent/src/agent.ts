import type { Logger } from 'pino';
import { bootstrapTokenFingerprint } from './bootstrap-token.js';
import type { AgentOptions, NodeAgentOptions } from './cli-args.js';
import { enrol } from './enrolment.js';
import { AgentFatalError } from './errors.js';
import { HeartbeatLoop } from './heartbeat-loop.js';
import { identityProblem, validityOf, type AgentIdentity } from './identity.js';
import { IdentityStore, ensurePrivateDir } from './identity-store.js';
import { DesiredStateReconciler } from './reconcile/desired-state-reconciler.js';
import type { Reconciler } from './reconcile/reconciler.js';
import { SdwanReconciler } from './reconcile/sdwan/sdwan-reconciler.js';

/** Enrols (or reuses the stored identity), then heartbeats and reconciles until `signal` aborts. */
export async function runAgent(options: AgentOptions, logger: Logger, signal: AbortSignal): Promise<void> {
  await ensurePrivateDir(options.stateDir);
  if (options.role === 'platform') {
    // Loaded only here: the hub speaks NATS, which a node agent never needs.
    const { runHub } = await import('./hub/hub.js');
    return runHub(options, logger, signal);
  }
  const store = new IdentityStore(options.stateDir);
  const identity = await obtainIdentity(store, options, logger, signal);
  if (identity === undefined) return; // stopped while enrolling
  logger.info({ instance_id: identity.instanceId, not_after: validityOf(identity).notAfter.toISOString(), role: options.role }, 'agent running');

  const reconcilers: Reconciler[] = [new DesiredStateReconciler(options.stateDir), new SdwanReconciler(options.stateDir)];
  await new HeartbeatLoop({ identity, store, platformUrl: options.platformUrl, reconcilers, logger }).run(signal);
}

async function obtainIdentity(store: IdentityStore, options: NodeAgentOptions, logger: Logger, signal: AbortSignal): Promise<AgentIdentity | undefined> {
  const pin = options.bootstrapToken === undefined ? undefined : bootstrapTokenFingerprint(options.bootstrapToken);
  const stored = await store.load();
  const problem = stored === undefined ? 'no stored identity' : identityProblem(stored, new Date(), pin);
  if (stored !== undefined && problem === undefined) {
    logger.info({ instance_id: stored.instanceId }, 'reusing the stored identity');
    return stored;
  }
  if (options.bootstrapToken === undefined) {
    throw new AgentFatalError(`cannot start: ${problem} in ${store.dir} and no --bootstrap-token (or POWERNODE_BOOTSTRAP_TOKEN) to enrol with`);
  }
  logger.info({ reason: problem }, 'enrolling');
  try {
    const identity = await enrol({ platformUrl: options.platformUrl, bootstrapToken: options.bootstrapToken, logger, signal });
    await store.save(identity, options.platformUrl);
    logger.info({ instance_id: identity.instanceId, dir: store.dir }, 'enrolled');
    return identity;
  } catch (error) {
    if (signal.aborted) return undefined;
    throw error;
  }
}
