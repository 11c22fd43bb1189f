import { randomBytes } from 'node:crypto';
import { PlatformError } from '@powernode/contracts';
import { handleCommand, type CommandMeta } from '@powernode/eventstore';
import { installationPrefixFrom, networkPrefixIn } from '../address/address-plan.js';
import type { SdwanRuntime } from '../runtime.js';
import type { InstallationCommand } from './installation.commands.js';
import { installationDecider, installationRef } from './installation.decider.js';
import type { InstallationState } from './installation.evolve.js';

export const SDWAN_SEED_ACTOR = 'system:sdwan-seed';

/** The installation's /48, network subnets and the hub's reported key. */
export class InstallationService {
  constructor(private readonly runtime: SdwanRuntime) {}

  /** Decides the /48 once; replicas starting together propose different ones and the first append wins. */
  async ensurePrefix(): Promise<string> {
    const { state } = await this.execute({ type: 'DecidePrefix', data: { prefix: installationPrefixFrom(randomBytes(5)) } }, { actor: SDWAN_SEED_ACTOR });
    return state.prefix;
  }

  async load(): Promise<InstallationState> {
    const { events } = await this.runtime.store.load(installationRef);
    return events.reduce(installationDecider.evolve, installationDecider.initialState());
  }

  /** A /64 for a network: the explicit one, or a random free subnet of the /48. */
  async allocateSubnet(networkId: string, explicit: string | undefined, meta: CommandMeta): Promise<string> {
    const prefix = await this.ensurePrefix();
    for (let round = 0; round < 5; round += 1) {
      const candidates = explicit !== undefined ? [explicit] : Array.from({ length: 8 }, () => networkPrefixIn(prefix, randomBytes(2).readUInt16BE() || 1));
      try {
        const { state } = await this.execute({ type: 'AllocateSubnet', data: { networkId, candidates, explicit: explicit !== undefined } }, meta);
        for (const [subnet, owner] of state.subnets) if (owner === networkId) return subnet;
      } catch (error) {
        if (explicit !== undefined || !(error instanceof PlatformError && error.code === 'Conflict')) throw error;
      }
    }
    throw new PlatformError('Conflict', 'could not find a free subnet for the network');
  }

  async reportHub(publicKey: string, endpoint: string | undefined, meta: CommandMeta): Promise<boolean> {
    const { events } = await this.execute({ type: 'ReportHub', data: { publicKey, ...(endpoint === undefined ? {} : { endpoint }) } }, meta);
    return events.length > 0;
  }

  private execute(command: InstallationCommand, meta: CommandMeta) {
    // Every network creation passes through here: allow many concurrent writers.
    return handleCommand(this.runtime.store, installationRef, installationDecider, command, meta, { maxAttempts: 100 });
  }
}
