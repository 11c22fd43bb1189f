import { dockerHostIdOf, type AggregateRef } from '@powernode/contracts';
import type { Decider } from '@powernode/eventstore';
import type { DockerHostCommand } from './docker-host.commands.js';
import { decideDockerHost } from './docker-host.decide.js';
import { evolveDockerHost, initialDockerHostState, type DockerHostState } from './docker-host.evolve.js';

/** Subject `system.docker.host.<host-uuid>`; the id follows from the instance, so every writer finds the same aggregate. */
export function dockerHostRef(instanceId: string): AggregateRef {
  return { context: 'docker', aggregate: 'host', id: dockerHostIdOf(instanceId) };
}

export function dockerHostDecider(instanceId: string): Decider<DockerHostState, DockerHostCommand> {
  return { initialState: initialDockerHostState, evolve: evolveDockerHost, decide: decideDockerHost(instanceId) };
}
