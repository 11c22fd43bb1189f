import { PlatformError } from '@powernode/contracts';
import { givenFor } from '@powernode/testing';
import type { NewEvent } from '@powernode/eventstore';
import type { AccountCommand } from './account.commands.js';
import { accountDecider } from './account.decider.js';

const sut = accountDecider('alice');

const given = givenFor(sut, 'alice');

const created: NewEvent = { kind: 'system.identity.account.created', data: { account_id: 'alice', name: 'alice', roles: ['viewer'] } };
const issued: NewEvent = { kind: 'system.identity.token.issued', data: { account_id: 'alice', token_id: 't1', label: '', token_sha256: 'a'.repeat(64) } };

describe('account decider', () => {
  it('creates an account once', () => {
    expect(given([]).when({ type: 'CreateAccount', data: { name: 'alice', roles: ['viewer'] } })()).toEqual([created]);
    expect(given([created]).when({ type: 'CreateAccount', data: { name: 'alice', roles: ['admin'] } })).toThrow(
      expect.objectContaining({ code: 'Conflict' }),
    );
  });

  it('issues tokens only for existing accounts', () => {
    const issue: AccountCommand = { type: 'IssueToken', data: { tokenId: 't1', label: '', tokenSha256: 'a'.repeat(64) } };
    expect(given([created]).when(issue)()).toEqual([issued]);
    expect(given([]).when(issue)).toThrow(PlatformError);
  });

  it('revokes a token once, then is idempotent; unknown tokens are NotFound', () => {
    const revoke: AccountCommand = { type: 'RevokeToken', data: { tokenId: 't1' } };
    const revoked: NewEvent = { kind: 'system.identity.token.revoked', data: { account_id: 'alice', token_id: 't1' } };
    expect(given([created, issued]).when(revoke)()).toEqual([revoked]);
    expect(given([created, issued, revoked]).when(revoke)()).toEqual([]);
    expect(given([created]).when(revoke)).toThrow(expect.objectContaining({ code: 'NotFound' }));
  });
});
