import { handshakeActions } from '@powernode/contracts';
import { handle, type ActionHandler } from '@powernode/service-kit';
import type { ServerIdentity } from './http/server-identity.js';
import type { BootstrapTokens } from './tokens/bootstrap-tokens.js';

export function handshakeHandlers(tokens: BootstrapTokens, identity: () => ServerIdentity): [string, ActionHandler][] {
  return [handle(handshakeActions.handshakeIssueBootstrapToken, (input) => tokens.issue(input.instance_id, identity().rootSha256))];
}
