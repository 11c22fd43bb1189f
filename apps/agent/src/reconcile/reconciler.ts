import type { agentProtocol } from '@powernode/contracts';

/** One concern the agent converges on the desired state (desired.json, SDWAN, Docker). */
export interface Reconciler {
  readonly name: string;
  /** Converges this concern; resolves with the runtime facts reported under `runtimes[name]`. */
  reconcile(desired: agentProtocol.DesiredState, signal: AbortSignal): Promise<Record<string, unknown>>;
  /** The platform answered that this instance is decommissioned: tear down what this reconciler runs. */
  decommissioned?(signal: AbortSignal): Promise<void>;
  /** The agent stops: release what this reconciler holds (child processes), without tearing it down. */
  close?(): Promise<void>;
}
