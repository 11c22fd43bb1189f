import { catalogActions } from '@powernode/contracts';
import type { CommandMeta } from '@powernode/eventstore';
import { handle, type ActionHandler, type HandlerContext } from '@powernode/service-kit';
import type { CatalogService } from './catalog.service.js';

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
    handle(catalogActions.systemProvisionInstance, async (input, ctx) => ({ instance: await instances.provision(input, meta(ctx)) })),
    handle(catalogActions.systemGetInstance, async (input) => ({ instance: await instances.get(input.id) })),
    handle(catalogActions.systemListInstances, async (input) => ({ instances: await instances.list(input) })),
    handle(catalogActions.systemDecommissionInstance, (input, ctx) => instances.decommission(input.id, input.reason, meta(ctx))),
  ];
}
