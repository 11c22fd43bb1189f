import { sdwanActions as actions } from '@powernode/contracts';
import type { CommandMeta } from '@powernode/eventstore';
import { handle, type ActionHandler, type HandlerContext } from '@powernode/service-kit';
import type { SdwanService } from './sdwan.service.js';

function meta(ctx: HandlerContext): CommandMeta {
  return { actor: ctx.actor, correlationId: ctx.correlationId, traceparent: ctx.traceparent ?? null };
}

function optional<T>(key: string, value: T | undefined): Record<string, T> {
  return value === undefined ? {} : { [key]: value };
}

export function sdwanHandlers(sdwan: SdwanService): [string, ActionHandler][] {
  const { networks, grants } = sdwan;
  return [
    handle(actions.systemSdwanCreateNetwork, async (input, ctx) => ({ network: await networks.create(input, ctx.caller, meta(ctx)) })),
    handle(actions.systemSdwanListNetworks, async (_input, ctx) => ({ networks: await networks.list(ctx.caller) })),
    handle(actions.systemSdwanListPeers, async (input, ctx) => ({ peers: await networks.listPeers(input.network_id, input.include_detached, ctx.caller) })),
    handle(actions.systemSdwanGetPeer, async ({ network_id, ...selector }, ctx) => ({ peer: await networks.getPeer(network_id, selector, ctx.caller) })),
    handle(actions.systemSdwanAttachPeer, async (input, ctx) => {
      const { peer, attached } = await networks.attach(input.network_id, { role: 'node', nodeInstanceId: input.node_instance_id }, ctx.caller, meta(ctx));
      return { peer, attached };
    }),
    handle(actions.systemSdwanDetachPeer, ({ network_id, ...selector }, ctx) => networks.detach(network_id, selector, ctx.caller, meta(ctx))),
    handle(actions.systemSdwanCreateAccessGrant, (input, ctx) => grants.create(input, ctx.caller, meta(ctx))),
    handle(actions.systemSdwanIssueUserDevice, (input, ctx) => grants.issueUserDevice(input, ctx.caller, meta(ctx))),
    handle(actions.systemSdwanRevokeAccessGrant, (input, ctx) => grants.revoke(input.grant_id, input.reason, ctx.caller, meta(ctx))),
    handle(actions.systemSdwanListAccessGrants, async (input, ctx) => ({ grants: await grants.list(input, ctx.caller) })),
    handle(actions.sdwanReportNodeWireguard, async (input, ctx) => ({
      peers: await networks.reportNode(
        input.instance_id,
        input.network_id,
        { publicKey: input.public_key, ...optional('endpoint', input.endpoint), ...optional('latestHandshakes', input.latest_handshakes) },
        meta(ctx),
      ),
    })),
    handle(actions.sdwanReportHubWireguard, async (input, ctx) => ({
      recorded: await networks.reportHub({ publicKey: input.public_key, ...optional('endpoint', input.endpoint), ...optional('latestHandshakes', input.latest_handshakes) }, meta(ctx)),
    })),
    handle(actions.sdwanDesiredForInstance, (input) => networks.desiredForInstance(input.instance_id)),
    handle(actions.sdwanDesiredForHub, () => networks.desiredForHub()),
    handle(actions.sdwanInstancesWithoutPeer, async (input) => ({ instance_ids: await networks.instancesWithoutPeer(input.instance_ids) })),
  ];
}
