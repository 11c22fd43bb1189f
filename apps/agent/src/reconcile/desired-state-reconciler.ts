import type { agentProtocol } from '@powernode/contracts';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import type { Reconciler } from './reconciler.js';

/** Writes `<state>/desired.json`, so operators and tests can see what the agent holds. */
export class DesiredStateReconciler implements Reconciler {
  readonly name = 'desired-state';

  constructor(private readonly stateDir: string) {}

  get path(): string {
    return join(this.stateDir, 'desired.json');
  }

  async reconcile(desired: agentProtocol.DesiredState): Promise<Record<string, unknown>> {
    await writeFileAtomic(this.path, JSON.stringify(desired, null, 2) + '\n', 0o644);
    return { phase: 'ready', version: desired.version, modules: desired.modules.length };
  }
}
