import { PlatformError } from '@powernode/contracts';
import type { NewEvent } from '@powernode/eventstore';
import type { InstallationCommand } from './installation.commands.js';
import type { InstallationState } from './installation.evolve.js';

/**
 * The installation: its /48 is decided once (the first decision wins, later ones record nothing),
 * and every network /64 is allocated here so two networks never share one.
 */
export function decideInstallation(command: InstallationCommand, state: InstallationState): NewEvent[] {
  switch (command.type) {
    case 'DecidePrefix':
      return state.prefix ? [] : [{ kind: 'system.sdwan.installation.prefix_decided', data: { prefix: command.data.prefix } }];
    case 'AllocateSubnet': {
      if (!state.prefix) throw new PlatformError('IllegalState', 'the installation prefix is not decided yet');
      const { networkId, candidates, explicit } = command.data;
      // A retried creation finds its own subnet already allocated.
      for (const owner of state.subnets.values()) if (owner === networkId) return [];
      const free = candidates.find((c) => !state.subnets.has(c));
      if (!free) {
        if (explicit) return conflict(candidates[0]!, state.subnets.get(candidates[0]!)!);
        throw new PlatformError('Conflict', 'every candidate subnet is taken; try again', { candidates });
      }
      return [{ kind: 'system.sdwan.installation.subnet_allocated', data: { network_id: networkId, prefix: free } }];
    }
    case 'ReportHub': {
      const { publicKey, endpoint } = command.data;
      if (state.hub?.publicKey === publicKey && state.hub.endpoint === endpoint) return [];
      return [{ kind: 'system.sdwan.installation.hub_reported', data: { public_key: publicKey, ...(endpoint === undefined ? {} : { endpoint }) } }];
    }
    default: {
      const unreachable: never = command;
      throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
    }
  }
}

function conflict(prefix: string, networkId: string): never {
  throw new PlatformError('Conflict', `prefix ${prefix} belongs to network ${networkId}`, { prefix, network_id: networkId });
}
