import type { ModuleRuntime } from '@powernode/contracts';

export type ModuleCommand =
  | { type: 'PublishModule'; data: { moduleId: string; name: string; version: string; runtime: ModuleRuntime; config: Record<string, unknown>; description?: string } }
  | { type: 'PromoteModule' }
  | { type: 'BlessModule'; data: { reason: string; blessedBy: string } };
