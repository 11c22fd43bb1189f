import type { agentProtocol } from '@powernode/contracts';

/** One concern the agent converges on the desired state (desired.json now; SDWAN and Docker later). */
export interface Reconciler {
  readonly name: string;
  /** Converges this concern; resolves with the runtime facts reported under `runtimes[name]`. */
  reconcile(desired: agentProtocol.DesiredState, signal: AbortSignal): Promise<Record<string, unknown>>;
}
