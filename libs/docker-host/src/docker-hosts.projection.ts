import { dockerEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';
import { evolveDockerHost, initialDockerHostState, type DockerHostState } from './docker-host.evolve.js';

/**
 * Every DockerHost's state, for system_list_managed_docker_hosts. The row is the aggregate's own fold
 * (same evolve), so the read model means exactly what the decider decided on.
 */
export const dockerHostsProjection: Projection<DockerHostState> = {
  name: 'docker_hosts',
  version: 1,
  canHandle: dockerEvents.DOCKER_EVENTS.map((e) => e.kind),
  keyOf: (event) => String(event.data.host_id),
  evolve: (row, event) => evolveDockerHost(row ?? initialDockerHostState(), event),
};
