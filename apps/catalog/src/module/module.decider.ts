import type { AggregateRef } from '@powernode/contracts';
import type { Decider } from '@powernode/eventstore';
import type { ModuleCommand } from './module.commands.js';
import { decideModule } from './module.decide.js';
import { evolveModule, initialModuleState, type ModuleState } from './module.evolve.js';

export function moduleRef(moduleId: string): AggregateRef {
  return { context: 'catalog', aggregate: 'module', id: moduleId };
}

export function moduleDecider(moduleId: string): Decider<ModuleState, ModuleCommand> {
  return { initialState: initialModuleState, evolve: evolveModule, decide: decideModule(moduleId) };
}
