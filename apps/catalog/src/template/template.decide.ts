import { PlatformError } from '@powernode/contracts';
import type { NewEvent } from '@powernode/eventstore';
import { OVERLAY_RUNTIMES, type TemplateCommand } from './template.commands.js';
import type { AssignedModule, TemplateState } from './template.evolve.js';

function optional(key: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [key]: value };
}

function unassigned(templateId: string, module: AssignedModule): NewEvent {
  return {
    kind: 'system.catalog.template.module_unassigned',
    data: { template_id: templateId, module_id: module.module_id, module_name: module.name, module_version: module.version },
  };
}

/**
 * Template decisions. Only live or blessed modules may be assigned; one version per module name, so
 * assigning another version replaces the assigned one; assigning and unassigning are idempotent.
 */
export function decideTemplate(templateId: string) {
  return (command: TemplateCommand, state: TemplateState): NewEvent[] => {
    if (command.type !== 'CreateTemplate' && !state.exists) {
      throw new PlatformError('NotFound', `no template ${templateId}`, { template_id: templateId });
    }
    switch (command.type) {
      case 'CreateTemplate':
        if (state.exists) throw new PlatformError('Conflict', `template ${state.name} already exists`, { template_id: templateId, name: state.name });
        return [{ kind: 'system.catalog.template.created', data: { template_id: templateId, name: command.data.name, ...optional('description', command.data.description) } }];
      case 'AssignModule': {
        const { module } = command.data;
        if (module.status !== 'live' && !module.blessed) {
          throw new PlatformError('ModuleNotLive', `module ${module.name}@${module.version} is ${module.status}, not live, and not blessed`, {
            module_id: module.moduleId,
            status: module.status,
          });
        }
        const unpeered = command.data.unpeeredInstances ?? [];
        if (OVERLAY_RUNTIMES.includes(module.runtime) && unpeered.length) {
          throw new PlatformError(
            'MissingSdwanPeerError',
            `instance${unpeered.length > 1 ? 's' : ''} ${unpeered.join(', ')} of template ${state.name} ha${unpeered.length > 1 ? 've' : 's'} no SDWAN peer: ` +
              `the ${module.runtime} runtime listens only on the instance's overlay /128. ` +
              `Attach one first: system_sdwan_attach_peer({ network_id: "<network-id>", node_instance_id: "<instance-id>" })`,
            { template_id: templateId, module_name: module.name, runtime: module.runtime, instance_ids: unpeered, remedy: 'system_sdwan_attach_peer' },
          );
        }
        if (state.modules.has(module.moduleId)) return [];
        const replaced = [...state.modules.values()].filter((m) => m.name === module.name);
        return [
          ...replaced.map((m) => unassigned(templateId, m)),
          {
            kind: 'system.catalog.template.module_assigned',
            data: { template_id: templateId, module_id: module.moduleId, module_name: module.name, module_version: module.version, runtime: module.runtime },
          },
        ];
      }
      case 'UnassignModule': {
        const selector = command.data;
        const matches = [...state.modules.values()].filter((m) => ('moduleId' in selector ? m.module_id === selector.moduleId : m.name === selector.moduleName));
        return matches.map((m) => unassigned(templateId, m));
      }
      default: {
        const unreachable: never = command;
        throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
      }
    }
  };
}
