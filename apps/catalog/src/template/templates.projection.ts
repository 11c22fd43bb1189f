import type { z } from 'zod';
import type { catalogEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';
import type { AssignedModule } from './template.evolve.js';

export interface TemplateRow extends Record<string, unknown> {
  id: string;
  name: string;
  description?: string;
  /** Assigned modules (id, name, version, runtime), by name: enough to compute an instance's desired state. */
  modules: AssignedModule[];
  created_at: string;
  updated_at: string;
}

/** Templates and their assigned modules, for system_list_templates and (later) desired state. */
export const templatesProjection: Projection<TemplateRow> = {
  name: 'templates',
  version: 1,
  canHandle: ['system.catalog.template.created', 'system.catalog.template.module_assigned', 'system.catalog.template.module_unassigned'],
  keyOf: (event) => String(event.data.template_id),
  evolve: (row, event) => {
    switch (event.kind) {
      case 'system.catalog.template.created': {
        const d = event.data as z.infer<typeof catalogEvents.templateCreated>;
        return {
          id: d.template_id,
          name: d.name,
          ...(d.description === undefined ? {} : { description: d.description }),
          modules: [],
          created_at: event.occurred_at,
          updated_at: event.occurred_at,
        };
      }
      case 'system.catalog.template.module_assigned': {
        if (!row) return row;
        const d = event.data as z.infer<typeof catalogEvents.templateModuleAssigned>;
        const module: AssignedModule = { module_id: d.module_id, name: d.module_name, version: d.module_version, runtime: d.runtime };
        const modules = [...row.modules.filter((m) => m.module_id !== d.module_id), module].sort((a, b) => a.name.localeCompare(b.name));
        return { ...row, modules, updated_at: event.occurred_at };
      }
      case 'system.catalog.template.module_unassigned': {
        if (!row) return row;
        const d = event.data as z.infer<typeof catalogEvents.templateModuleUnassigned>;
        return { ...row, modules: row.modules.filter((m) => m.module_id !== d.module_id), updated_at: event.occurred_at };
      }
      default:
        return row;
    }
  },
};
