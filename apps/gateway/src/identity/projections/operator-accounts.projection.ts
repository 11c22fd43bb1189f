import type { Projection } from '@powernode/eventstore';

export interface OperatorAccountRow extends Record<string, unknown> {
  account_id: string;
  name: string;
  roles: string[];
}

/** Accounts and their roles, for authorising bearer tokens. */
export const operatorAccountsProjection: Projection<OperatorAccountRow> = {
  name: 'operator_accounts',
  version: 1,
  canHandle: ['system.identity.account.created'],
  keyOf: (event) => String(event.data.account_id),
  evolve: (_row, event) => {
    const data = event.data as { account_id: string; name: string; roles: string[] };
    return { account_id: data.account_id, name: data.name, roles: data.roles };
  },
};
