import { PlatformError, handshakeActions, type InstanceProvider, type InstanceStatus } from '@powernode/contracts';
import { handleCommand, type CommandMeta } from '@powernode/eventstore';
import { newInstanceId } from '../ids.js';
import { Filters, selectRow, selectRows } from '@powernode/service-runtime';
import type { CatalogRuntime } from '../runtime.js';
import type { TemplateService } from '../template/template.service.js';
import type { AgentRecord, InstanceCommand } from './instance.commands.js';
import { instanceDecider, instanceRef } from './instance.decider.js';
import { instancesProjection, type InstanceRow } from './instances.projection.js';

/** NodeInstance use cases. The provider that makes an instance real plugs in behind these. */
export class InstanceService {
  constructor(
    private readonly runtime: CatalogRuntime,
    private readonly templates: TemplateService,
  ) {}

  /** Records the instance; an `external` one also gets its bootstrap token, which only this answer carries. */
  async provision(
    input: { template_id: string; name?: string; provider: InstanceProvider },
    meta: CommandMeta,
  ): Promise<{ instance: InstanceRow; bootstrap?: { token: string; expires_at: string } }> {
    await this.templates.load(input.template_id);
    if (input.name !== undefined) await this.checkNameFree(input.name);
    const instanceId = newInstanceId();
    const data = { instanceId, templateId: input.template_id, name: input.name ?? instanceId, provider: input.provider };
    const instance = (await this.execute(instanceId, { type: 'ProvisionInstance', data }, meta)).row;
    if (input.provider !== 'external') return { instance };
    const bootstrap = (await this.runtime.rpc.callInternal(handshakeActions.handshakeIssueBootstrapToken, { instance_id: instanceId }, 'catalog')) as { token: string; expires_at: string };
    return { instance, bootstrap };
  }

  async get(instanceId: string): Promise<InstanceRow> {
    const row = await selectRow(this.runtime, instancesProjection, instanceId);
    if (!row) throw new PlatformError('NotFound', `no instance ${instanceId}`, { instance_id: instanceId });
    return row;
  }

  list(filters: { template_id?: string; status?: InstanceStatus; include_decommissioned: boolean; limit: number }): Promise<InstanceRow[]> {
    const where = new Filters().add(`doc->>'node_template_id' = $?`, filters.template_id).add(`doc->>'status' = $?`, filters.status);
    if (!filters.include_decommissioned && filters.status !== 'decommissioned') where.raw(`doc->>'status' <> 'decommissioned'`);
    return selectRows(this.runtime, instancesProjection, where, `doc->>'created_at' DESC, key`, filters.limit);
  }

  async decommission(instanceId: string, reason: string | undefined, meta: CommandMeta): Promise<{ instance: InstanceRow; already_decommissioned: boolean }> {
    const { row, appended } = await this.execute(instanceId, { type: 'DecommissionInstance', data: reason === undefined ? {} : { reason } }, meta);
    return { instance: row, already_decommissioned: !appended };
  }

  /** The handshake service's report about the instance's agent; only transitions append. */
  async recordAgent(instanceId: string, record: AgentRecord, meta: CommandMeta): Promise<{ instance: InstanceRow; appended: boolean }> {
    const { row, appended } = await this.execute(instanceId, { type: 'RecordAgent', data: record }, meta);
    return { instance: row, appended };
  }

  /** Names are unique among instances that are not decommissioned (checked on the read model: best effort under races). */
  private async checkNameFree(name: string): Promise<void> {
    const taken = await selectRows(
      this.runtime,
      instancesProjection,
      new Filters().add(`doc->>'name' = $?`, name).raw(`doc->>'status' <> 'decommissioned'`),
      'key',
      1,
    );
    if (taken.length) throw new PlatformError('Conflict', `an instance named ${name} exists (${taken[0]!.id})`, { name, instance_id: taken[0]!.id });
  }

  private async execute(instanceId: string, command: InstanceCommand, meta: CommandMeta): Promise<{ row: InstanceRow; appended: boolean }> {
    const result = await handleCommand(this.runtime.store, instanceRef(instanceId), instanceDecider(instanceId), command, meta);
    await this.runtime.projections.instances.waitFor(result.position);
    return { row: await this.get(instanceId), appended: result.events.length > 0 };
  }
}
