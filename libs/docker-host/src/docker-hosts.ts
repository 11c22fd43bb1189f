import { handleCommand, type CommandMeta, type EventStore, type NewEvent } from '@powernode/eventstore';
import type { DockerHostCommand } from './docker-host.commands.js';
import { dockerHostDecider, dockerHostRef } from './docker-host.decider.js';
import type { DockerHostState } from './docker-host.evolve.js';

/** Agent, policy and operators race on one host: each conflict reloads and decides again. */
const MAX_ATTEMPTS = 20;

/** Loads and commands DockerHost aggregates (one per instance). */
export class DockerHosts {
  constructor(private readonly runtime: { readonly store: EventStore }) {}

  async load(instanceId: string): Promise<DockerHostState> {
    const decider = dockerHostDecider(instanceId);
    const { events } = await this.runtime.store.load(dockerHostRef(instanceId));
    return events.reduce(decider.evolve, decider.initialState());
  }

  /** Decides on the current state and appends what changed; returns the new state and the events recorded. */
  async execute(instanceId: string, command: DockerHostCommand, meta: CommandMeta): Promise<{ state: DockerHostState; events: NewEvent[]; position: number }> {
    const result = await handleCommand(this.runtime.store, dockerHostRef(instanceId), dockerHostDecider(instanceId), command, meta, { maxAttempts: MAX_ATTEMPTS });
    return { state: result.state, events: result.events, position: result.position };
  }
}
