import type { ModuleRuntime, ModuleStatus } from '@powernode/contracts';

/** Runtimes whose daemon listens only on the instance's SDWAN overlay /128 (DESIGN §4). */
export const OVERLAY_RUNTIMES: readonly ModuleRuntime[] = ['docker'];

/** What a template needs to know about a module to assign it, read from the module's own events. */
export interface ModuleFacts {
  moduleId: string;
  name: string;
  version: string;
  runtime: ModuleRuntime;
  status: ModuleStatus;
  blessed: boolean;
}

export type TemplateCommand =
  | { type: 'CreateTemplate'; data: { templateId: string; name: string; description?: string } }
  /** `unpeeredInstances`: the template's live instances that have no SDWAN peer (asked of the sdwan service). */
  | { type: 'AssignModule'; data: { module: ModuleFacts; unpeeredInstances?: string[] } }
  | { type: 'UnassignModule'; data: { moduleId: string } | { moduleName: string } };
