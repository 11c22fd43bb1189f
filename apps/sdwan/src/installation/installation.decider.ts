import type { AggregateRef } from '@powernode/contracts';
import type { Decider } from '@powernode/eventstore';
import type { InstallationCommand } from './installation.commands.js';
import { decideInstallation } from './installation.decide.js';
import { evolveInstallation, initialInstallationState, type InstallationState } from './installation.evolve.js';

/** One installation aggregate with a fixed id, like the catalog seed: replicas starting together race for it. */
export const INSTALLATION_ID = 'installation';

export const installationRef: AggregateRef = { context: 'sdwan', aggregate: 'installation', id: INSTALLATION_ID };

export const installationDecider: Decider<InstallationState, InstallationCommand> = {
  initialState: initialInstallationState,
  evolve: evolveInstallation,
  decide: decideInstallation,
};
