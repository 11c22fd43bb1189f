import { PlatformError, sdwanActions } from '@powernode/contracts';
import { handleCommand, type CommandMeta } from '@powernode/eventstore';
import { templateIdFor } from '../ids.js';
import type { ModuleSelector, ModuleService } from '../module/module.service.js';
import { Filters, selectRow, selectRows } from '@powernode/service-runtime';
import type { CatalogRuntime } from '../runtime.js';
import { OVERLAY_RUNTIMES, type TemplateCommand } from './template.commands.js';
import { instancesProjection } from '../instance/instances.projection.js';
import { templateDecider, templateRef } from './template.decider.js';
import type { AssignedModule, TemplateState } from './template.evolve.js';
import { templatesProjection, type TemplateRow } from './templates.projection.js';

/** Template use cases: create, list, assign and unassign modules. */
export class TemplateService {
  constructor(
    private readonly runtime: CatalogRuntime,
    private readonly modules: ModuleService,
  ) {}

  async create(name: string, description: string | undefined, meta: CommandMeta): Promise<TemplateRow> {
    const templateId = templateIdFor(name);
    const { row } = await this.execute(templateId, { type: 'CreateTemplate', data: { templateId, name, ...(description === undefined ? {} : { description }) } }, meta);
    return row;
  }

  list(filters: { name?: string } = {}): Promise<TemplateRow[]> {
    return selectRows(this.runtime, templatesProjection, new Filters().add(`doc->>'name' = $?`, filters.name), `doc->>'name', key`);
  }

  async get(templateId: string): Promise<TemplateRow> {
    const row = await selectRow(this.runtime, templatesProjection, templateId);
    if (!row) throw new PlatformError('NotFound', `no template ${templateId}`, { template_id: templateId });
    return row;
  }

  /** The template's current state from its own events; NotFound when it does not exist. */
  async load(templateId: string): Promise<TemplateState> {
    const decider = templateDecider(templateId);
    const { events } = await this.runtime.store.load(templateRef(templateId));
    const state = events.reduce(decider.evolve, decider.initialState());
    if (!state.exists) throw new PlatformError('NotFound', `no template ${templateId}`, { template_id: templateId });
    return state;
  }

  async assign(templateId: string, selector: ModuleSelector, meta: CommandMeta): Promise<{ template: TemplateRow; module: AssignedModule; assigned: boolean }> {
    await this.load(templateId);
    const module = await this.modules.factsFor(selector);
    const unpeeredInstances = OVERLAY_RUNTIMES.includes(module.runtime) ? await this.unpeeredInstances(templateId) : [];
    const { row, appended } = await this.execute(templateId, { type: 'AssignModule', data: { module, unpeeredInstances } }, meta);
    return { template: row, module: { module_id: module.moduleId, name: module.name, version: module.version, runtime: module.runtime }, assigned: appended };
  }

  async unassign(templateId: string, selector: ModuleSelector, meta: CommandMeta): Promise<{ template: TemplateRow; unassigned: boolean }> {
    await this.load(templateId);
    // The module must exist somewhere in the catalog; whether it is assigned here does not matter.
    if (selector.module_id !== undefined) await this.modules.factsFor({ module_id: selector.module_id });
    else await this.modules.versionsOf(selector.module_name!);
    const data = selector.module_id !== undefined ? { moduleId: selector.module_id } : { moduleName: selector.module_name! };
    const { row, appended } = await this.execute(templateId, { type: 'UnassignModule', data }, meta);
    return { template: row, unassigned: appended };
  }

  /**
   * The template's instances (not decommissioned) without an SDWAN peer, asked of the sdwan service;
   * ServiceUnavailable when it is not running, so nothing is assigned unchecked.
   */
  private async unpeeredInstances(templateId: string): Promise<string[]> {
    const instances = await selectRows(
      this.runtime,
      instancesProjection,
      new Filters().add(`doc->>'node_template_id' = $?`, templateId).raw(`doc->>'status' <> 'decommissioned'`),
      'key',
    );
    if (!instances.length) return [];
    const reply = (await this.runtime.rpc.callInternal(sdwanActions.sdwanInstancesWithoutPeer, { instance_ids: instances.map((i) => i.id) }, 'catalog')) as { instance_ids: string[] };
    return reply.instance_ids;
  }

  private async execute(templateId: string, command: TemplateCommand, meta: CommandMeta): Promise<{ row: TemplateRow; appended: boolean }> {
    const result = await handleCommand(this.runtime.store, templateRef(templateId), templateDecider(templateId), command, meta);
    await this.runtime.projections.templates.waitFor(result.position);
    return { row: await this.get(templateId), appended: result.events.length > 0 };
  }
}
