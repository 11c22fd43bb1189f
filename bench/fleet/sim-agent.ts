import type { Logger } from 'pino';
import { runNodeAgent } from '../../apps/agent/src/agent.js';
import type { NodeAgentOptions } from '../../apps/agent/src/cli-args.js';
import { DesiredStateReconciler } from '../../apps/agent/src/reconcile/desired-state-reconciler.js';
import { DockerReconciler } from '../../apps/agent/src/reconcile/docker/docker-reconciler.js';
import { SdwanReconciler } from '../../apps/agent/src/reconcile/sdwan/sdwan-reconciler.js';
import { join } from 'node:path';
import { SimDaemon } from './sim-daemon.js';
import { simDockerOps, simWireguard, type OverlayAddresses } from './sim-machine.js';

export interface SimAgentOptions {
  platformUrl: URL;
  bootstrapToken: string;
  /** The agent's state directory (tmpfs for a big fleet). */
  stateDir: string;
  link: OverlayAddresses;
  logger: Logger;
  signal: AbortSignal;
}

/**
 * One simulated agent: the real powernode-agent (enrolment, identity store, long-poll heartbeat, renewal,
 * desired-state, SDWAN and Docker reconcilers, the runtime handshake) on a simulated machine. Resolves when
 * `signal` aborts; rejects if the agent fails for good (a refused token, say).
 */
export function runSimAgent({ platformUrl, bootstrapToken, stateDir, link, logger, signal }: SimAgentOptions): Promise<void> {
  const options: NodeAgentOptions = {
    role: 'node',
    platformUrl,
    bootstrapToken,
    stateDir,
    logLevel: 'warn',
    docker: { root: join(stateDir, 'docker-root'), install: 'none' },
  };
  return runNodeAgent(options, logger, signal, (session) => [
    new DesiredStateReconciler(stateDir),
    new SdwanReconciler(stateDir, simWireguard()),
    new DockerReconciler({
      stateDir,
      docker: options.docker,
      platform: session,
      logger,
      ops: simDockerOps(link),
      createRunner: (_dockerd, paths) => new SimDaemon(paths.daemonJson),
      registryCertsDir: join(stateDir, 'certs.d'),
      systemdRunning: false,
    }),
  ]);
}
