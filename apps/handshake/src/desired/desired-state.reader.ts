import { PlatformError, dockerHostIdOf, sdwanActions } from '@powernode/contracts';
import { dockerHostsProjection } from '@powernode/docker-host';
import { selectRow } from '@powernode/service-runtime';
import { projectionTable } from '@powernode/eventstore';
import { directDockerProjection, type DirectDockerRow } from '../docker/projections/direct-docker.projection.js';
import type { HandshakeRuntime } from '../runtime.js';
import {
  desiredInstancesProjection,
  desiredModulesProjection,
  desiredTemplatesProjection,
  type AssignedModuleRef,
  type DesiredInstanceRow,
  type DesiredTemplateRow,
} from './catalog-views.projection.js';
import { composeDesiredState, type DesiredSdwan, type DesiredState } from './desired-state.js';

/** An instance's modules: its template's, plus docker when an operator assigned it to the instance directly. */
export interface InstanceModules {
  instance: DesiredInstanceRow;
  assigned: AssignedModuleRef[];
  configs: Map<string, Record<string, unknown>>;
}

/**
 * Reads an instance's desired state: modules from the handshake's own projections of catalog and docker events,
 * SDWAN from the sdwan service, the platform registry from the configuration.
 */
export class DesiredStateReader {
  constructor(private readonly runtime: HandshakeRuntime) {}

  private table(name: string): string {
    return `"${this.runtime.config.DATABASE_SCHEMA}"."${name}"`;
  }

  /** The instance (NotFound while unknown, InstanceDecommissioned once gone). */
  async instance(instanceId: string): Promise<DesiredInstanceRow> {
    const rows: { doc: DesiredInstanceRow }[] = await this.runtime.db.query(`SELECT doc FROM ${this.table(projectionTable(desiredInstancesProjection))} WHERE key = $1`, [instanceId]);
    const row = rows[0]?.doc;
    if (!row) throw new PlatformError('NotFound', `no instance ${instanceId}`, { instance_id: instanceId });
    if (row.decommissioned) throw new PlatformError('InstanceDecommissioned', `instance ${instanceId} is decommissioned`, { instance_id: instanceId });
    return row;
  }

  /**
   * The template's modules and a directly assigned docker module (by name, the template's wins: one version
   * of a module per instance), with their published config. A docker runtime an operator decommissioned is left
   * out while the template still assigns it: the agent stops dockerd and removes its certificates.
   */
  async modules(instanceId: string): Promise<InstanceModules> {
    const instance = await this.instance(instanceId);
    const [templates, direct, host] = await Promise.all([
      this.runtime.db.query(`SELECT doc FROM ${this.table(projectionTable(desiredTemplatesProjection))} WHERE key = $1`, [instance.template_id]) as Promise<{ doc: DesiredTemplateRow }[]>,
      this.runtime.db.query(`SELECT doc FROM ${this.table(projectionTable(directDockerProjection))} WHERE key = $1`, [instanceId]) as Promise<{ doc: DirectDockerRow }[]>,
      selectRow(this.runtime, dockerHostsProjection, dockerHostIdOf(instanceId)),
    ]);
    const held = host?.operatorHold === true;
    const assigned = (templates[0]?.doc.modules ?? []).filter((m) => !(held && m.runtime === 'docker'));
    for (const { doc } of direct) {
      if (!assigned.some((m) => m.name === doc.name)) assigned.push({ module_id: doc.module_id, name: doc.name, version: doc.version, runtime: 'docker' });
    }
    const configs: { key: string; config: Record<string, unknown> }[] = assigned.length
      ? await this.runtime.db.query(`SELECT key, doc->'config' AS config FROM ${this.table(projectionTable(desiredModulesProjection))} WHERE key = ANY($1::text[])`, [
          assigned.map((m) => m.module_id),
        ])
      : [];
    return { instance, assigned, configs: new Map(configs.map((c) => [c.key, c.config ?? {}])) };
  }

  /**
   * Fails when the sdwan service does: a state without `sdwan` would make the agent tear its tunnels down.
   * `knownSdwan`: the SDWAN part as it still stands (no SDWAN event since it was read), so only the modules are read.
   */
  async read(instanceId: string, knownSdwan?: DesiredSdwan): Promise<{ desired: DesiredState; templateId: string }> {
    const sdwan = knownSdwan === undefined ? this.sdwan(instanceId) : Promise.resolve(knownSdwan);
    // Settled here, awaited below: a catalog error must not leave the sdwan call's rejection unhandled.
    sdwan.catch(() => undefined);
    const { instance, assigned, configs } = await this.modules(instanceId);
    const registry = this.runtime.config.PLATFORM_REGISTRY_ADDR;
    const desired = composeDesiredState(instanceId, assigned, configs, await sdwan, registry === undefined ? [] : [registry]);
    return { desired, templateId: instance.template_id };
  }

  /** The instance's WireGuard interfaces, validated on receipt: a malformed answer is an unavailable service. */
  async sdwan(instanceId: string): Promise<DesiredSdwan> {
    const action = sdwanActions.sdwanDesiredForInstance;
    const output = await this.runtime.rpc.callInternal(action, { instance_id: instanceId }, 'handshake');
    const parsed = action.output.safeParse(output);
    if (!parsed.success) {
      throw new PlatformError('ServiceUnavailable', `malformed ${action.name} answer from the sdwan service`, { service: 'sdwan', issues: parsed.error.issues.map((i) => i.message) });
    }
    return parsed.data;
  }
}
