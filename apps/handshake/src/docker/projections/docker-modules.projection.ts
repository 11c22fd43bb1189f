import type { z } from 'zod';
import type { ModuleStatus, catalogEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';

export interface DockerModuleRow extends Record<string, unknown> {
  module_id: string;
  name: string;
  version: string;
  status: ModuleStatus;
  blessed: boolean;
}

/** Catalog modules of the docker runtime, so a direct assignment picks the module a template would get. */
export const dockerModulesProjection: Projection<DockerModuleRow> = {
  name: 'docker_modules',
  version: 1,
  canHandle: ['system.catalog.module.published', 'system.catalog.module.promoted', 'system.catalog.module.blessed'],
  keyOf: (event) => String(event.data.module_id),
  evolve: (row, event) => {
    if (event.kind === 'system.catalog.module.published') {
      const d = event.data as z.infer<typeof catalogEvents.modulePublished>;
      return d.runtime === 'docker' ? { module_id: d.module_id, name: d.name, version: d.version, status: 'published', blessed: false } : null;
    }
    if (!row) return null;
    return event.kind === 'system.catalog.module.promoted' ? { ...row, status: 'live' } : { ...row, blessed: true };
  },
};
