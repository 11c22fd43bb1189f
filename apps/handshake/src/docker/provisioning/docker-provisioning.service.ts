import { PlatformError, highestModuleVersion, sdwanActions, type DockerHostStatus } from '@powernode/contracts';
import type { CommandMeta } from '@powernode/eventstore';
import { Filters, selectRow, selectRows } from '@powernode/service-runtime';
import type { DesiredStateReader } from '../../desired/desired-state.reader.js';
import type { HandshakeRuntime } from '../../runtime.js';
import { lastStreamSeq } from '../../stream-position.js';
import { dockerHostsProjection, managedDockerHostOf, type AssignedDockerModule, type DockerHosts, type ManagedDockerHost } from '@powernode/docker-host';
import { revokeDaemonCertificate } from './daemon-revocation.js';
import { dockerModulesProjection } from '../projections/docker-modules.projection.js';

/** The module the tutorial ships and system_provision_docker_runtime assigns. */
export const DOCKER_MODULE_NAME = 'docker-engine';

/** Operator actions on managed docker hosts: assign docker to one instance directly, list hosts. */
export class DockerProvisioning {
  constructor(
    private readonly runtime: HandshakeRuntime,
    private readonly reader: DesiredStateReader,
    private readonly hosts: DockerHosts,
  ) {}

  /**
   * system_provision_docker_runtime: module.assigned via `instance` for the docker-engine version a template
   * would get (the highest live one, else the highest blessed one). Needs the instance alive and on an SDWAN
   * network (MissingSdwanPeerError, worded as the catalog's template assignment). Assigning twice records nothing.
   */
  async provision(instanceId: string, meta: CommandMeta): Promise<ManagedDockerHost> {
    // The instance may have been provisioned a moment ago: read the projections once they have everything so far.
    const seq = await lastStreamSeq(this.runtime);
    await Promise.all([this.runtime.projections.instances.waitFor(seq, 5_000), this.runtime.projections.dockerModules.waitFor(seq, 5_000)]);
    await this.reader.instance(instanceId);
    await this.requirePeer(instanceId);
    const module = await this.dockerModule();
    const { state } = await this.hosts.execute(instanceId, { type: 'AssignModule', data: { via: 'instance', module } }, meta);
    return managedDockerHostOf(state);
  }

  /**
   * system_decommission_docker_runtime: runtime.decommissioned (by operator), so the host leaves the agent's
   * desired state (the agent stops dockerd and removes its certificates and daemon.json), then the daemon
   * certificate is revoked. The template path does not bring it back (see the host's operator hold).
   * Decommissioning twice records nothing and revokes nothing more.
   */
  async decommission(hostId: string, meta: CommandMeta): Promise<{ host: ManagedDockerHost; revoked_serial?: string }> {
    let row = await selectRow(this.runtime, dockerHostsProjection, hostId);
    if (!row) {
      await this.runtime.projections.dockerHosts.waitFor(await lastStreamSeq(this.runtime), 5_000);
      row = await selectRow(this.runtime, dockerHostsProjection, hostId);
    }
    if (!row?.exists) throw new PlatformError('NotFound', `no docker host ${hostId}`, { host_id: hostId });
    const { state, events } = await this.hosts.execute(row.instanceId, { type: 'DecommissionRuntime', data: { by: 'operator' } }, meta);
    const serial = events.length > 0 ? state.certificate?.serial : undefined;
    if (serial && !(await revokeDaemonCertificate(this.runtime, state.instanceId, serial, 3))) {
      throw new PlatformError('CaUnavailable', `the runtime of ${hostId} is decommissioned but its daemon certificate ${serial} could not be revoked yet; run the action again`, { host_id: hostId, serial });
    }
    return { host: managedDockerHostOf(state), ...(serial ? { revoked_serial: serial } : {}) };
  }

  async list(filters: { node_instance_id?: string; status?: DockerHostStatus }): Promise<ManagedDockerHost[]> {
    const where = new Filters().add(`doc->>'instanceId' = $?`, filters.node_instance_id).add(`doc->>'status' = $?`, filters.status);
    const rows = await selectRows(this.runtime, dockerHostsProjection, where, `doc->>'instanceId', key`);
    return rows.map(managedDockerHostOf);
  }

  private async requirePeer(instanceId: string): Promise<void> {
    const reply = (await this.runtime.rpc.callInternal(sdwanActions.sdwanInstancesWithoutPeer, { instance_ids: [instanceId] }, 'handshake')) as { instance_ids: string[] };
    if (reply.instance_ids.includes(instanceId)) {
      throw new PlatformError(
        'MissingSdwanPeerError',
        `instance ${instanceId} has no SDWAN peer: the docker runtime listens only on the instance's overlay /128. ` +
          `Attach one first: system_sdwan_attach_peer({ network_id: "<network-id>", node_instance_id: "<instance-id>" })`,
        { module_name: DOCKER_MODULE_NAME, runtime: 'docker', instance_ids: [instanceId], remedy: 'system_sdwan_attach_peer' },
      );
    }
  }

  private async dockerModule(): Promise<AssignedDockerModule> {
    const versions = await selectRows(this.runtime, dockerModulesProjection, new Filters().add(`doc->>'name' = $?`, DOCKER_MODULE_NAME), 'key');
    if (!versions.length) throw new PlatformError('NotFound', `no module named ${DOCKER_MODULE_NAME}`, { module_name: DOCKER_MODULE_NAME });
    const chosen = highestModuleVersion(versions.filter((m) => m.status === 'live')) ?? highestModuleVersion(versions.filter((m) => m.blessed));
    if (!chosen) {
      throw new PlatformError('ModuleNotLive', `no version of ${DOCKER_MODULE_NAME} is live or blessed`, { module_name: DOCKER_MODULE_NAME, versions: versions.map((v) => v.version) });
    }
    return { moduleId: chosen.module_id, moduleName: chosen.name, moduleVersion: chosen.version };
  }
}
