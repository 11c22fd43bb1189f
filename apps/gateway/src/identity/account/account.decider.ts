import type { AggregateRef } from '@powernode/contracts';
import type { Decider } from '@powernode/eventstore';
import type { AccountCommand } from './account.commands.js';
import { decideAccount } from './account.decide.js';
import { evolveAccount, initialAccountState, type AccountState } from './account.evolve.js';

export function accountRef(accountId: string): AggregateRef {
  return { context: 'identity', aggregate: 'account', id: accountId };
}

export function accountDecider(accountId: string): Decider<AccountState, AccountCommand> {
  return { initialState: initialAccountState, evolve: evolveAccount, decide: decideAccount(accountId) };
}
