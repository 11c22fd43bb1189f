import { PlatformError } from '@powernode/contracts';
import type { NewEvent } from '@powernode/eventstore';
import type { ModuleCommand } from './module.commands.js';
import type { ModuleState } from './module.evolve.js';

/** Module decisions: publish once per name + version, promote to live, bless a module that is not live. */
export function decideModule(moduleId: string) {
  return (command: ModuleCommand, state: ModuleState): NewEvent[] => {
    switch (command.type) {
      case 'PublishModule': {
        const { moduleId: id, ...rest } = command.data;
        if (state.exists) {
          throw new PlatformError('Conflict', `module ${state.name}@${state.version} already exists`, { module_id: moduleId, name: state.name, version: state.version });
        }
        return [{ kind: 'system.catalog.module.published', data: { module_id: id, ...rest } }];
      }
      case 'PromoteModule':
        if (!state.exists) throw new PlatformError('NotFound', `no module ${moduleId}`, { module_id: moduleId });
        if (state.status === 'live') return [];
        return [{ kind: 'system.catalog.module.promoted', data: { module_id: moduleId, name: state.name, version: state.version, from: state.status, to: 'live' } }];
      case 'BlessModule':
        if (!state.exists) throw new PlatformError('NotFound', `no module ${moduleId}`, { module_id: moduleId });
        // A live module needs no blessing; a blessed one keeps its first reason.
        if (state.status === 'live' || state.blessed) return [];
        return [
          {
            kind: 'system.catalog.module.blessed',
            data: { module_id: moduleId, name: state.name, version: state.version, reason: command.data.reason, blessed_by: command.data.blessedBy },
          },
        ];
      default: {
        const unreachable: never = command;
        throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
      }
    }
  };
}
