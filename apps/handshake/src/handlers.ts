import { handshakeActions } from '@powernode/contracts';
import { handle, type ActionHandler } from '@powernode/service-kit';
import { dockerHandlers } from './docker/docker-handlers.js';
import type { DockerProvisioning } from './docker/provisioning/docker-provisioning.service.js';
import type { ServerIdentity } from './http/server-identity.js';
import type { BootstrapTokens } from './tokens/bootstrap-tokens.js';

export function handshakeHandlers(tokens: BootstrapTokens, identity: () => ServerIdentity, docker: DockerProvisioning): [string, ActionHandler][] {
  return [handle(handshakeActions.handshakeIssueBootstrapToken, (input) => tokens.issue(input.instance_id, identity().rootSha256)), ...dockerHandlers(docker)];
}
