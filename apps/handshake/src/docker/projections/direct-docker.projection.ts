import type { z } from 'zod';
import type { dockerEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';

export interface DirectDockerRow extends Record<string, unknown> {
  instance_id: string;
  module_id: string;
  name: string;
  version: string;
}

/**
 * Docker assigned straight to an instance (system_provision_docker_runtime), per instance: the desired
 * state adds it to the template's modules, since the agent learns runtimes only from its desired state.
 */
export const directDockerProjection: Projection<DirectDockerRow> = {
  name: 'direct_docker_modules',
  version: 1,
  canHandle: ['system.docker.module.assigned', 'system.docker.module.unassigned', 'system.docker.runtime.decommissioned'],
  keyOf: (event) => String(event.data.instance_id),
  evolve: (row, event) => {
    if (event.kind === 'system.docker.module.assigned') {
      const d = event.data as z.infer<typeof dockerEvents.moduleAssigned>;
      return d.via === 'instance' ? { instance_id: d.instance_id, module_id: d.module_id, name: d.module_name, version: d.module_version } : row;
    }
    if (event.kind === 'system.docker.module.unassigned') return event.data.via === 'instance' ? null : row;
    return null;
  },
};
