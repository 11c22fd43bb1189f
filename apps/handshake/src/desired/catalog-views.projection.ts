import type { z } from 'zod';
import type { catalogEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';

export interface DesiredInstanceRow extends Record<string, unknown> {
  instance_id: string;
  template_id: string;
  decommissioned: boolean;
}

export interface AssignedModuleRef {
  module_id: string;
  name: string;
  version: string;
  runtime: string;
}

export interface DesiredTemplateRow extends Record<string, unknown> {
  template_id: string;
  modules: AssignedModuleRef[];
}

export interface DesiredModuleRow extends Record<string, unknown> {
  module_id: string;
  config: Record<string, unknown>;
}

/** Which template each instance runs, and whether it is gone: the first half of its desired state. */
export const desiredInstancesProjection: Projection<DesiredInstanceRow> = {
  name: 'desired_instances',
  version: 1,
  canHandle: ['system.catalog.instance.provisioned', 'system.catalog.instance.decommissioned'],
  keyOf: (event) => String(event.data.instance_id),
  evolve: (row, event) => {
    if (event.kind === 'system.catalog.instance.provisioned') {
      const d = event.data as z.infer<typeof catalogEvents.instanceProvisioned>;
      return { instance_id: d.instance_id, template_id: d.template_id, decommissioned: false };
    }
    return row && { ...row, decommissioned: true };
  },
};

/** Each template's assigned modules, by name. */
export const desiredTemplatesProjection: Projection<DesiredTemplateRow> = {
  name: 'desired_templates',
  version: 1,
  canHandle: ['system.catalog.template.created', 'system.catalog.template.module_assigned', 'system.catalog.template.module_unassigned'],
  keyOf: (event) => String(event.data.template_id),
  evolve: (row, event) => {
    if (event.kind === 'system.catalog.template.created') return { template_id: String(event.data.template_id), modules: [] };
    if (!row) return row;
    const d = event.data as z.infer<typeof catalogEvents.templateModuleUnassigned>;
    const others = row.modules.filter((m) => m.module_id !== d.module_id);
    if (event.kind === 'system.catalog.template.module_unassigned') return { ...row, modules: others };
    const a = event.data as z.infer<typeof catalogEvents.templateModuleAssigned>;
    const added = { module_id: a.module_id, name: a.module_name, version: a.module_version, runtime: a.runtime };
    return { ...row, modules: [...others, added].sort((x, y) => x.name.localeCompare(y.name)) };
  },
};

/** Module configuration (from module.published), joined into the desired state by module id. */
export const desiredModulesProjection: Projection<DesiredModuleRow> = {
  name: 'desired_modules',
  version: 1,
  canHandle: ['system.catalog.module.published'],
  keyOf: (event) => String(event.data.module_id),
  evolve: (_row, event) => {
    const d = event.data as z.infer<typeof catalogEvents.modulePublished>;
    return { module_id: d.module_id, config: d.config };
  },
};
