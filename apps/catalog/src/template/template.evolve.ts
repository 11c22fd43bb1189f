import type { EventEnvelope, ModuleRuntime } from '@powernode/contracts';

export interface AssignedModule {
  module_id: string;
  name: string;
  version: string;
  runtime: ModuleRuntime;
}

export interface TemplateState {
  exists: boolean;
  name: string;
  /** Assigned modules by module id. */
  modules: Map<string, AssignedModule>;
}

export const initialTemplateState = (): TemplateState => ({ exists: false, name: '', modules: new Map() });

/** Folds a template's events into its assigned modules. */
export function evolveTemplate(state: TemplateState, event: EventEnvelope): TemplateState {
  const data = event.data as Record<string, never>;
  switch (event.kind) {
    case 'system.catalog.template.created':
      return { ...state, exists: true, name: data.name };
    case 'system.catalog.template.module_assigned': {
      const modules = new Map(state.modules);
      modules.set(data.module_id, { module_id: data.module_id, name: data.module_name, version: data.module_version, runtime: data.runtime });
      return { ...state, modules };
    }
    case 'system.catalog.template.module_unassigned': {
      const modules = new Map(state.modules);
      modules.delete(data.module_id);
      return { ...state, modules };
    }
    default:
      return state;
  }
}
