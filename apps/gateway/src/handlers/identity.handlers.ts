import { PlatformError, identityActions, permissionsOf } from '@powernode/contracts';
import { handle, type ActionHandler } from '@powernode/service-kit';
import type { TokenAuthenticator } from '../identity/authenticator.js';
import type { IdentityService } from '../identity/identity.service.js';
import { commandMeta } from './command-meta.js';

export function identityHandlers(identity: IdentityService, auth: TokenAuthenticator): [string, ActionHandler][] {
  return [
    handle(identityActions.identityCreateAccount, async (input, ctx) => ({
      account: await identity.createAccount(input.name, input.roles, commandMeta(ctx)),
    })),
    handle(identityActions.identityIssueToken, (input, ctx) => identity.issueToken(input.account_id, input.label, commandMeta(ctx))),
    handle(identityActions.identityRevokeToken, async (input, ctx) => {
      await identity.revokeToken(input.account_id, input.token_id, commandMeta(ctx));
      return { token_id: input.token_id, revoked: true };
    }),
    handle(identityActions.identityWhoami, async (_input, ctx) => {
      const account = await auth.findAccount(ctx.caller.account_id);
      if (!account) throw new PlatformError('NotFound', `account ${ctx.caller.account_id} not found`);
      return {
        account: { id: account.account_id, name: account.name, roles: account.roles },
        permissions: [...permissionsOf(account.roles)].sort(),
      };
    }),
  ];
}
