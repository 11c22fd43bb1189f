import type { AggregateRef } from '@powernode/contracts';
import type { Decider } from '@powernode/eventstore';
import type { NetworkCommand } from './network.commands.js';
import { decideNetwork } from './network.decide.js';
import { evolveNetwork, initialNetworkState, type NetworkState } from './network.evolve.js';

/** Subject `system.sdwan.network.<id>`: the network and all its peers. */
export function networkRef(networkId: string): AggregateRef {
  return { context: 'sdwan', aggregate: 'network', id: networkId };
}

export function networkDecider(networkId: string): Decider<NetworkState, NetworkCommand> {
  return { initialState: initialNetworkState, evolve: evolveNetwork, decide: decideNetwork(networkId) };
}
