import type { z } from 'zod';
import type { ModuleRuntime, ModuleStatus, catalogEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';

export interface ModuleRow extends Record<string, unknown> {
  id: string;
  name: string;
  version: string;
  runtime: ModuleRuntime;
  status: ModuleStatus;
  blessed: boolean;
  bless_reason?: string;
  blessed_by?: string;
  config: Record<string, unknown>;
  description?: string;
  published_at: string;
  promoted_at?: string;
}

/** Every module version and its lifecycle, for system_list_modules and resolving module names. */
export const modulesProjection: Projection<ModuleRow> = {
  name: 'modules',
  version: 1,
  canHandle: ['system.catalog.module.published', 'system.catalog.module.promoted', 'system.catalog.module.blessed'],
  keyOf: (event) => String(event.data.module_id),
  evolve: (row, event) => {
    switch (event.kind) {
      case 'system.catalog.module.published': {
        const d = event.data as z.infer<typeof catalogEvents.modulePublished>;
        return {
          id: d.module_id,
          name: d.name,
          version: d.version,
          runtime: d.runtime,
          status: 'published',
          blessed: false,
          config: d.config,
          ...(d.description === undefined ? {} : { description: d.description }),
          published_at: event.occurred_at,
        };
      }
      case 'system.catalog.module.promoted':
        return row && { ...row, status: 'live', promoted_at: event.occurred_at };
      case 'system.catalog.module.blessed': {
        const d = event.data as z.infer<typeof catalogEvents.moduleBlessed>;
        return row && { ...row, blessed: true, bless_reason: d.reason, blessed_by: d.blessed_by };
      }
      default:
        return row;
    }
  },
};
