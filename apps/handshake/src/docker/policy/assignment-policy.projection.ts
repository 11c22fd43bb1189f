import type { z } from 'zod';
import type { catalogEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';
import type { AssignedDockerModule } from '@powernode/docker-host';

/**
 * A template's docker-runtime modules, by name (a template holds one version per module name, but nothing stops
 * two docker modules of different names). The host runs the first by name, as the desired state lists them.
 */
export interface PolicyTemplateRow extends Record<string, unknown> {
  kind: 'template';
  template_id: string;
  docker: AssignedDockerModule[];
}

export interface PolicyInstanceRow extends Record<string, unknown> {
  kind: 'instance';
  instance_id: string;
  template_id: string | null;
  decommissioned: boolean;
}

export type PolicyRow = PolicyTemplateRow | PolicyInstanceRow;

export const templateKey = (templateId: string) => `t:${templateId}`;
export const instanceKey = (instanceId: string) => `i:${instanceId}`;

/**
 * The assignment policy's own view of the catalog: which docker module each template holds and which
 * template each instance runs. Its own table (not the desired-state ones) so the policy decides from state
 * its own consumer committed, whatever other projections have or have not applied yet.
 */
export const assignmentPolicyProjection: Projection<PolicyRow> = {
  name: 'docker_assignment_policy',
  version: 1,
  canHandle: ['system.catalog.template.module_assigned', 'system.catalog.template.module_unassigned', 'system.catalog.instance.provisioned', 'system.catalog.instance.decommissioned'],
  keyOf: (event) => (event.kind.startsWith('system.catalog.template.') ? templateKey(String(event.data.template_id)) : instanceKey(String(event.data.instance_id))),
  evolve: (row, event) => {
    switch (event.kind) {
      case 'system.catalog.template.module_assigned': {
        const d = event.data as z.infer<typeof catalogEvents.templateModuleAssigned>;
        if (d.runtime !== 'docker') return row;
        const others = row?.kind === 'template' ? row.docker.filter((m) => m.moduleName !== d.module_name) : [];
        const module: AssignedDockerModule = { moduleId: d.module_id, moduleName: d.module_name, moduleVersion: d.module_version, templateId: d.template_id };
        return { kind: 'template', template_id: d.template_id, docker: [...others, module].sort((a, b) => (a.moduleName < b.moduleName ? -1 : 1)) };
      }
      case 'system.catalog.template.module_unassigned': {
        const d = event.data as z.infer<typeof catalogEvents.templateModuleUnassigned>;
        return row?.kind === 'template' ? { ...row, docker: row.docker.filter((m) => m.moduleId !== d.module_id) } : row;
      }
      case 'system.catalog.instance.provisioned': {
        const d = event.data as z.infer<typeof catalogEvents.instanceProvisioned>;
        return { kind: 'instance', instance_id: d.instance_id, template_id: d.template_id, decommissioned: false };
      }
      case 'system.catalog.instance.decommissioned': {
        const instanceId = String(event.data.instance_id);
        return { kind: 'instance', instance_id: instanceId, template_id: row?.kind === 'instance' ? row.template_id : null, decommissioned: true };
      }
      default:
        return row;
    }
  },
};
