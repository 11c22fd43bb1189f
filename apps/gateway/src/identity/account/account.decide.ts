import { PlatformError } from '@powernode/contracts';
import type { NewEvent } from '@powernode/eventstore';
import type { AccountCommand } from './account.commands.js';
import type { AccountState } from './account.evolve.js';

/** Account decisions: pure, so they are tested given/when/then without any server. */
export function decideAccount(accountId: string) {
  return (command: AccountCommand, state: AccountState): NewEvent[] => {
    switch (command.type) {
      case 'CreateAccount':
        if (state.exists) throw new PlatformError('Conflict', `account ${accountId} already exists`, { account_id: accountId });
        return [{ kind: 'system.identity.account.created', data: { account_id: accountId, ...command.data } }];
      case 'IssueToken':
        if (!state.exists) throw new PlatformError('NotFound', `account ${accountId} does not exist`, { account_id: accountId });
        return [
          {
            kind: 'system.identity.token.issued',
            data: {
              account_id: accountId,
              token_id: command.data.tokenId,
              label: command.data.label,
              token_sha256: command.data.tokenSha256,
            },
          },
        ];
      case 'RevokeToken': {
        const token = state.tokens.get(command.data.tokenId);
        if (!state.exists || !token) throw new PlatformError('NotFound', `token ${command.data.tokenId} not found`);
        if (token.revoked) return [];
        return [{ kind: 'system.identity.token.revoked', data: { account_id: accountId, token_id: command.data.tokenId } }];
      }
      default: {
        const unreachable: never = command;
        throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
      }
    }
  };
}
