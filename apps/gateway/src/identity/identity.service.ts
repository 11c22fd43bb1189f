import type { Role } from '@powernode/contracts';
import { handleCommand, type CommandMeta, type EventStore, type ProjectionRunner } from '@powernode/eventstore';
import { accountDecider, accountRef } from './account/account.decider.js';
import { newToken } from './tokens.js';

/** Account and token use cases, shared by the action handlers and the first-start bootstrap. */
export class IdentityService {
  constructor(
    private readonly store: EventStore,
    private readonly tokensProjection: Pick<ProjectionRunner<Record<string, unknown>>, 'waitFor'>,
    private readonly accountsProjection: Pick<ProjectionRunner<Record<string, unknown>>, 'waitFor'>,
  ) {}

  async createAccount(name: string, roles: Role[], meta: CommandMeta): Promise<{ id: string; name: string; roles: Role[] }> {
    const result = await handleCommand(this.store, accountRef(name), accountDecider(name), { type: 'CreateAccount', data: { name, roles } }, meta);
    await this.accountsProjection.waitFor(result.position);
    return { id: name, name, roles };
  }

  /** Issues a token and returns it once; returns after the token works (its projection caught up). */
  async issueToken(accountId: string, label: string, meta: CommandMeta): Promise<{ token_id: string; token: string }> {
    const token = newToken();
    const result = await handleCommand(
      this.store,
      accountRef(accountId),
      accountDecider(accountId),
      { type: 'IssueToken', data: { tokenId: token.tokenId, label, tokenSha256: token.sha256 } },
      meta,
    );
    await this.tokensProjection.waitFor(result.position);
    return { token_id: token.tokenId, token: token.token };
  }

  async revokeToken(accountId: string, tokenId: string, meta: CommandMeta): Promise<void> {
    const result = await handleCommand(this.store, accountRef(accountId), accountDecider(accountId), { type: 'RevokeToken', data: { tokenId } }, meta);
    await this.tokensProjection.waitFor(result.position);
  }
}
