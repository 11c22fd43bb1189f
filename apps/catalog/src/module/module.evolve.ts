import type { EventEnvelope, ModuleRuntime, ModuleStatus } from '@powernode/contracts';

export interface ModuleState {
  exists: boolean;
  id: string;
  name: string;
  version: string;
  runtime: ModuleRuntime;
  status: ModuleStatus;
  blessed: boolean;
}

export const initialModuleState = (): ModuleState => ({ exists: false, id: '', name: '', version: '', runtime: 'docker', status: 'draft', blessed: false });

/** Folds a module's events into the state its decisions (and template assignments) need. */
export function evolveModule(state: ModuleState, event: EventEnvelope): ModuleState {
  const data = event.data as Record<string, never>;
  switch (event.kind) {
    case 'system.catalog.module.published':
      return { ...state, exists: true, id: data.module_id, name: data.name, version: data.version, runtime: data.runtime, status: 'published' };
    case 'system.catalog.module.promoted':
      return { ...state, status: 'live' };
    case 'system.catalog.module.blessed':
      return { ...state, blessed: true };
    default:
      return state;
  }
}
