import { dockerActions, handshakeActions } from '@powernode/contracts';
import type { CommandMeta } from '@powernode/eventstore';
import { handle, type ActionHandler, type HandlerContext } from '@powernode/service-kit';
import type { DockerProvisioning } from './provisioning/docker-provisioning.service.js';

function meta(ctx: HandlerContext): CommandMeta {
  return { actor: ctx.actor, correlationId: ctx.correlationId, traceparent: ctx.traceparent ?? null };
}

/** The handshake's docker actions: parse (done by the action server), delegate. */
export function dockerHandlers(provisioning: DockerProvisioning): [string, ActionHandler][] {
  return [
    handle(handshakeActions.systemProvisionDockerRuntime, async (input, ctx) => ({ host: await provisioning.provision(input.node_instance_id, meta(ctx)) })),
    handle(dockerActions.systemDecommissionDockerRuntime, (input, ctx) => provisioning.decommission(input.host_id, meta(ctx))),
    handle(handshakeActions.systemListManagedDockerHosts, async (input) => ({ hosts: await provisioning.list(input) })),
  ];
}
