import type { ModuleRuntime, ModuleStatus } from '@powernode/contracts';

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
  | { type: 'AssignModule'; data: { module: ModuleFacts } }
  | { type: 'UnassignModule'; data: { moduleId: string } | { moduleName: string } };
