import { PlatformError } from '@powernode/contracts';
import type { NewEvent } from '@powernode/eventstore';
import type { InstanceCommand } from './instance.commands.js';
import type { InstanceState } from './instance.evolve.js';
import { decideRecordAgent } from './record-agent.decide.js';

/** Instance decisions: provisioned once, decommissioned at most once (again records nothing), agent transitions. */
export function decideInstance(instanceId: string) {
  return (command: InstanceCommand, state: InstanceState): NewEvent[] => {
    switch (command.type) {
      case 'ProvisionInstance':
        if (state.exists) throw new PlatformError('Conflict', `instance ${instanceId} already exists`, { instance_id: instanceId });
        return [
          {
            kind: 'system.catalog.instance.provisioned',
            data: { instance_id: instanceId, template_id: command.data.templateId, name: command.data.name, provider: command.data.provider },
          },
        ];
      case 'DecommissionInstance':
        if (!state.exists) throw new PlatformError('NotFound', `no instance ${instanceId}`, { instance_id: instanceId });
        if (state.status === 'decommissioned') return [];
        return [{ kind: 'system.catalog.instance.decommissioned', data: { instance_id: instanceId, ...(command.data.reason === undefined ? {} : { reason: command.data.reason }) } }];
      case 'RecordAgent':
        if (!state.exists) throw new PlatformError('NotFound', `no instance ${instanceId}`, { instance_id: instanceId });
        return decideRecordAgent(instanceId, command.data, state);
      default: {
        const unreachable: never = command;
        throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
      }
    }
  };
}
