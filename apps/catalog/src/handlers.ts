import { PlatformError, catalogActions } from '@powernode/contracts';
import type { CommandMeta } from '@powernode/eventstore';
import { handle, type ActionHandler, type HandlerContext } from '@powernode/service-kit';
import type { CatalogService } from './catalog.service.js';
import type { AgentRecord } from './instance/instance.commands.js';

type RecordInput = ReturnType<typeof catalogActions.catalogRecordInstanceAgent.input.parse>;

/** The action's flat input as a command record; online needs the heartbeat it is based on. */
function agentRecord(input: RecordInput): AgentRecord {
  switch (input.event) {
    case 'enrolled':
      if (!input.certificate_serial) throw new PlatformError('InvalidInput', 'enrolled needs certificate_serial', { issues: [{ field: 'certificate_serial', message: 'required' }] });
      return { event: 'enrolled', certificateSerial: input.certificate_serial, ...(input.agent_version === undefined ? {} : { agentVersion: input.agent_version }) };
    case 'online':
      if (!input.last_heartbeat_at) throw new PlatformError('InvalidInput', 'online needs last_heartbeat_at', { issues: [{ field: 'last_heartbeat_at', message: 'required' }] });
      return { event: 'online', lastHeartbeatAt: input.last_heartbeat_at };
    case 'offline':
      return { event: 'offline', lastHeartbeatAt: input.last_heartbeat_at ?? null };
  }
}

function meta(ctx: HandlerContext): CommandMeta {
  return { actor: ctx.actor, correlationId: ctx.correlationId, traceparent: ctx.traceparent ?? null };
}

export function catalogHandlers(catalog: CatalogService): [string, ActionHandler][] {
  const { modules, templates, instances } = catalog;
  return [
    handle(catalogActions.systemListModules, async (input) => ({ modules: await modules.list(input) })),
    handle(catalogActions.systemPublishModule, async (input, ctx) => ({ module: await modules.publish(input, meta(ctx)) })),
    handle(catalogActions.systemPromoteModule, async (input, ctx) => ({ module: await modules.promote(input, meta(ctx)) })),
    handle(catalogActions.systemBlessModule, async ({ reason, ...selector }, ctx) => ({ module: await modules.bless(selector, reason, meta(ctx)) })),
    handle(catalogActions.systemCreateTemplate, async (input, ctx) => ({ template: await templates.create(input.name, input.description, meta(ctx)) })),
    handle(catalogActions.systemListTemplates, async (input) => ({ templates: await templates.list(input) })),
    handle(catalogActions.systemAssignModuleToTemplate, ({ template_id, ...selector }, ctx) => templates.assign(template_id, selector, meta(ctx))),
    handle(catalogActions.systemUnassignModuleFromTemplate, ({ template_id, ...selector }, ctx) => templates.unassign(template_id, selector, meta(ctx))),
    handle(catalogActions.systemProvisionInstance, async (input, ctx) => instances.provision(input, meta(ctx))),
    handle(catalogActions.systemGetInstance, async (input) => ({ instance: await instances.get(input.id) })),
    handle(catalogActions.systemListInstances, async (input) => ({ instances: await instances.list(input) })),
    handle(catalogActions.systemDecommissionInstance, (input, ctx) => instances.decommission(input.id, input.reason, meta(ctx))),
    handle(catalogActions.catalogRecordInstanceAgent, (input, ctx) => instances.recordAgent(input.instance_id, agentRecord(input), meta(ctx))),
  ];
}
