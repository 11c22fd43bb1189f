import type { AssignedDockerModule, DockerHostState } from '@powernode/docker-host';
import type { PolicyInstanceRow, PolicyTemplateRow } from './assignment-policy.projection.js';

/** What the template path wants for one instance. */
export type AssignmentPlan = { kind: 'none' } | { kind: 'decommission' } | { kind: 'assign'; module: AssignedDockerModule } | { kind: 'unassign' };

/** From the policy's own rows: an instance it does not know yet wants nothing (its provisioned event will come). */
export function planFor(instance: PolicyInstanceRow | undefined, template: PolicyTemplateRow | undefined): AssignmentPlan {
  if (!instance) return { kind: 'none' };
  if (instance.decommissioned) return { kind: 'decommission' };
  const [first] = template?.docker ?? [];
  return first ? { kind: 'assign', module: first } : { kind: 'unassign' };
}

export function samePlan(a: AssignmentPlan, b: AssignmentPlan): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'assign' || a.module.moduleId === (b as typeof a).module.moduleId;
}

/** Whether a host (as the read model has it, possibly behind) already matches the plan: the sweep skips those. */
export function hostMatches(plan: AssignmentPlan, host: DockerHostState | undefined): boolean {
  switch (plan.kind) {
    case 'none':
      return true;
    case 'decommission':
      return !host?.exists || host.decommissioned;
    case 'assign':
      return (host?.viaTemplate?.moduleId === plan.module.moduleId && !host.decommissioned) || host?.operatorHold === true;
    case 'unassign':
      return !host?.viaTemplate && host?.operatorHold !== true;
    default: {
      const unreachable: never = plan;
      throw new Error(`unknown plan ${JSON.stringify(unreachable)}`);
    }
  }
}
