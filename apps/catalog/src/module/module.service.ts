import { PlatformError, type ModuleRuntime, type ModuleStatus } from '@powernode/contracts';
import { handleCommand, type CommandMeta } from '@powernode/eventstore';
import { moduleIdFor } from '../ids.js';
import { Filters, selectRow, selectRows } from '@powernode/service-runtime';
import type { CatalogRuntime } from '../runtime.js';
import type { ModuleFacts } from '../template/template.commands.js';
import type { ModuleCommand } from './module.commands.js';
import { moduleDecider, moduleRef } from './module.decider.js';
import { modulesProjection, type ModuleRow } from './modules.projection.js';
import { highestVersion } from './version-order.js';

/** A module by id, or by name (and optionally version). */
export type ModuleSelector = { module_id?: string; module_name?: string; version?: string };

/** Module use cases. Writes return once the modules read model shows them. */
export class ModuleService {
  constructor(private readonly runtime: CatalogRuntime) {}

  async publish(
    input: { name: string; version: string; runtime: ModuleRuntime; config: Record<string, unknown>; description?: string },
    meta: CommandMeta,
  ): Promise<ModuleRow> {
    const moduleId = moduleIdFor(input.name, input.version);
    return this.execute(moduleId, { type: 'PublishModule', data: { moduleId, ...input } }, meta);
  }

  async promote(selector: ModuleSelector, meta: CommandMeta): Promise<ModuleRow> {
    return this.execute(await this.idOf(selector), { type: 'PromoteModule' }, meta);
  }

  async bless(selector: ModuleSelector, reason: string, meta: CommandMeta): Promise<ModuleRow> {
    return this.execute(await this.idOf(selector), { type: 'BlessModule', data: { reason, blessedBy: meta.actor } }, meta);
  }

  list(filters: { name?: string; runtime?: ModuleRuntime; status?: ModuleStatus }): Promise<ModuleRow[]> {
    const where = new Filters().add(`doc->>'name' = $?`, filters.name).add(`doc->>'runtime' = $?`, filters.runtime).add(`doc->>'status' = $?`, filters.status);
    return selectRows(this.runtime, modulesProjection, where, `doc->>'name', doc->>'published_at', key`);
  }

  /**
   * The module to assign, read from its own events (not the read model) so the live/blessed check is
   * current. A name means its highest live version, else its highest blessed one, else its highest.
   */
  async factsFor(selector: ModuleSelector): Promise<ModuleFacts> {
    let moduleId = selector.module_id;
    if (moduleId === undefined) {
      const versions = await this.versionsOf(selector.module_name!);
      const chosen = highestVersion(versions.filter((m) => m.status === 'live')) ?? highestVersion(versions.filter((m) => m.blessed)) ?? highestVersion(versions);
      moduleId = chosen!.id;
    }
    const decider = moduleDecider(moduleId);
    const { events } = await this.runtime.store.load(moduleRef(moduleId));
    const state = events.reduce(decider.evolve, decider.initialState());
    if (!state.exists) throw new PlatformError('NotFound', `no module ${moduleId}`, { module_id: moduleId });
    return { moduleId, name: state.name, version: state.version, runtime: state.runtime, status: state.status, blessed: state.blessed };
  }

  /** Every version of a module name; NotFound when there is none. */
  async versionsOf(name: string): Promise<ModuleRow[]> {
    const versions = await this.list({ name });
    if (versions.length === 0) throw new PlatformError('NotFound', `no module named ${name}`, { module_name: name });
    return versions;
  }

  private async idOf(selector: ModuleSelector): Promise<string> {
    if (selector.module_id !== undefined) return selector.module_id;
    const name = selector.module_name!;
    if (selector.version !== undefined) return moduleIdFor(name, selector.version);
    return highestVersion(await this.versionsOf(name))!.id;
  }

  private async execute(moduleId: string, command: ModuleCommand, meta: CommandMeta): Promise<ModuleRow> {
    const result = await handleCommand(this.runtime.store, moduleRef(moduleId), moduleDecider(moduleId), command, meta);
    await this.runtime.projections.modules.waitFor(result.position);
    const row = await selectRow(this.runtime, modulesProjection, moduleId);
    if (!row) throw new PlatformError('Internal', `module ${moduleId} missing from its read model`);
    return row;
  }
}
