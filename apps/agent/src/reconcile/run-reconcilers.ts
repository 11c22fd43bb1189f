import type { agentProtocol } from '@powernode/contracts';
import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import type { RuntimeFacts } from '../facts.js';
import type { Reconciler } from './reconciler.js';

/** Runs every reconciler in order; one failing does not stop the others, and its error becomes its facts. */
export async function runReconcilers(reconcilers: readonly Reconciler[], desired: agentProtocol.DesiredState, signal: AbortSignal, logger: Logger): Promise<RuntimeFacts> {
  const facts: RuntimeFacts = {};
  for (const reconciler of reconcilers) {
    if (signal.aborted) break;
    try {
      facts[reconciler.name] = await reconciler.reconcile(desired, signal);
    } catch (error) {
      const err = describeError(error);
      logger.warn({ reconciler: reconciler.name, version: desired.version, err }, 'reconciler failed');
      facts[reconciler.name] = { phase: 'error', error: err.message };
    }
  }
  return facts;
}
