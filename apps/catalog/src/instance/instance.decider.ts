import type { AggregateRef } from '@powernode/contracts';
import type { Decider } from '@powernode/eventstore';
import type { InstanceCommand } from './instance.commands.js';
import { decideInstance } from './instance.decide.js';
import { evolveInstance, initialInstanceState, type InstanceState } from './instance.evolve.js';

export function instanceRef(instanceId: string): AggregateRef {
  return { context: 'catalog', aggregate: 'instance', id: instanceId };
}

export function instanceDecider(instanceId: string): Decider<InstanceState, InstanceCommand> {
  return { initialState: initialInstanceState, evolve: evolveInstance, decide: decideInstance(instanceId) };
}
