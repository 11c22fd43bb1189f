import type { Logger } from 'pino';
import { bootstrapTokenFingerprint } from './bootstrap-token.js';
import type { AgentOptions, NodeAgentOptions } from './cli-args.js';
import { enrol } from './enrolment.js';
import { AgentFatalError, describeError } from './errors.js';
import { HeartbeatLoop } from './heartbeat-loop.js';
import { identityProblem, validityOf, type AgentIdentity } from './identity.js';
import { IdentityStore, ensurePrivateDir } from './identity-store.js';
import { DesiredStateReconciler } from './reconcile/desired-state-reconciler.js';
import { PlatformSession } from './platform-session.js';
import { DockerReconciler } from './reconcile/docker/docker-reconciler.js';
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
  return runNodeAgent(options, logger, signal);
}

/** Builds what a node agent converges, given its platform session (the simulated fleet brings its own machine). */
export type ReconcilersFactory = (session: PlatformSession, options: NodeAgentOptions, logger: Logger) => Reconciler[];

/** The machine's own reconcilers: desired.json, WireGuard, Docker. */
export const machineReconcilers: ReconcilersFactory = (session, options, logger) => [
  new DesiredStateReconciler(options.stateDir),
  // Docker after SDWAN: dockerd binds the overlay address the SDWAN reconciler puts in place.
  new SdwanReconciler(options.stateDir),
  new DockerReconciler({ stateDir: options.stateDir, docker: options.docker, platform: session, logger }),
];

/** A node agent: enrols (or reuses the stored identity), then heartbeats and reconciles until `signal` aborts. */
export async function runNodeAgent(options: NodeAgentOptions, logger: Logger, signal: AbortSignal, reconcilersOf: ReconcilersFactory = machineReconcilers): Promise<void> {
  await ensurePrivateDir(options.stateDir);
  const store = new IdentityStore(options.stateDir);
  const identity = await obtainIdentity(store, options, logger, signal);
  if (identity === undefined) return; // stopped while enrolling
  logger.info({ instance_id: identity.instanceId, not_after: validityOf(identity).notAfter.toISOString(), role: options.role }, 'agent running');

  // One session for the heartbeat and the runtime handshake: renewal swaps the identity for both.
  const session = new PlatformSession(options.platformUrl, identity);
  const reconcilers = reconcilersOf(session, options, logger);
  try {
    await new HeartbeatLoop({ session, store, platformUrl: options.platformUrl, reconcilers, logger }).run(signal);
  } finally {
    for (const reconciler of reconcilers) {
      await reconciler.close?.().catch((error: unknown) => logger.warn({ reconciler: reconciler.name, err: describeError(error) }, 'reconciler did not close cleanly'));
    }
    session.close();
  }
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
