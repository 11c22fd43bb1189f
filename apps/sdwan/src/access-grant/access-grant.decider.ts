import type { AggregateRef } from '@powernode/contracts';
import type { Decider } from '@powernode/eventstore';
import type { AccessGrantCommand } from './access-grant.commands.js';
import { decideAccessGrant } from './access-grant.decide.js';
import { evolveAccessGrant, initialAccessGrantState, type AccessGrantState } from './access-grant.evolve.js';

export function accessGrantRef(grantId: string): AggregateRef {
  return { context: 'sdwan', aggregate: 'access_grant', id: grantId };
}

export function accessGrantDecider(grantId: string): Decider<AccessGrantState, AccessGrantCommand> {
  return { initialState: initialAccessGrantState, evolve: evolveAccessGrant, decide: decideAccessGrant(grantId) };
}
