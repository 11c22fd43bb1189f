import { jetstreamManager } from '@nats-io/jetstream';
import { PlatformError, type DockerHostStatus } from '@powernode/contracts';
import { dockerHostsProjection, isProbed, type DockerHostState } from '@powernode/docker-host';
import { Filters, selectRow, selectRows } from '@powernode/service-runtime';
import type { HealthBook } from '../health/health-book.js';
import type { DockerProxyRuntime } from '../runtime.js';
import { dockerHostViewOf, type DockerHostView } from './host-view.js';

/** A host an operation may use: connected, with its overlay address. */
export interface ConnectedHost {
  id: string;
  instanceId: string;
  overlay: string;
  state: DockerHostState;
}

/** The hosts read model (the aggregate's own fold, projected here) and the rules for picking one. */
export class HostDirectory {
  constructor(
    private readonly runtime: DockerProxyRuntime,
    private readonly health: HealthBook,
  ) {}

  /** Hosts that exist and are not decommissioned, by instance. */
  async list(status?: DockerHostStatus): Promise<DockerHostView[]> {
    const where = new Filters().raw(`(doc->>'exists')::boolean`).raw(`NOT (doc->>'decommissioned')::boolean`).add(`doc->>'status' = $?`, status);
    const rows = await selectRows(this.runtime, dockerHostsProjection, where, `doc->>'instanceId', key`);
    return rows.map((row) => this.view(row));
  }

  /** Hosts the health monitor watches. */
  async probed(): Promise<DockerHostState[]> {
    const rows = await selectRows(this.runtime, dockerHostsProjection, new Filters().raw(`doc->>'provisionedAt' IS NOT NULL`), 'key');
    return rows.filter(isProbed);
  }

  view(state: DockerHostState): DockerHostView {
    return dockerHostViewOf(state, this.health.get(state.hostId));
  }

  /** A host by id (NotFound if unknown or decommissioned), whatever its status. */
  async get(hostId: string | undefined): Promise<DockerHostState> {
    if (hostId === undefined) return (await this.connected(undefined)).state;
    const found = (await this.find(hostId)) ?? (await this.catchUp().then(() => this.find(hostId)));
    if (!found) throw new PlatformError('NotFound', `no docker host ${hostId}`, { host_id: hostId });
    return found;
  }

  /**
   * The host an operation runs on: the named one, which must be connected (Conflict naming its status
   * otherwise), or, with no id, the only connected host (InvalidInput when there are several).
   */
  async connected(hostId: string | undefined): Promise<ConnectedHost> {
    if (hostId === undefined) return this.onlyConnected();
    let state = await this.find(hostId);
    if (state?.status !== 'connected') {
      await this.catchUp();
      state = await this.find(hostId);
    }
    if (!state) throw new PlatformError('NotFound', `no docker host ${hostId}`, { host_id: hostId });
    return this.requireConnected(state);
  }

  private async onlyConnected(): Promise<ConnectedHost> {
    let hosts = await this.list('connected');
    if (hosts.length === 0) {
      await this.catchUp();
      hosts = await this.list('connected');
    }
    if (hosts.length === 0) throw new PlatformError('NotFound', 'no docker host is connected: provision one first (system_provision_docker_runtime)', {});
    if (hosts.length > 1) {
      throw new PlatformError('InvalidInput', `host_id is required: ${hosts.length} docker hosts are connected`, { host_ids: hosts.map((h) => h.id) });
    }
    return this.requireConnected((await this.find(hosts[0]!.id))!);
  }

  private requireConnected(state: DockerHostState): ConnectedHost {
    if (state.status !== 'connected' || state.overlay === null) {
      throw new PlatformError('Conflict', `docker host ${state.hostId} is ${state.status}, not connected`, { host_id: state.hostId, status: state.status });
    }
    return { id: state.hostId, instanceId: state.instanceId, overlay: state.overlay, state };
  }

  private async find(hostId: string): Promise<DockerHostState | undefined> {
    const row = await selectRow(this.runtime, dockerHostsProjection, hostId);
    return row?.exists && !row.decommissioned ? row : undefined;
  }

  /** Waits (briefly) until the read model holds everything appended so far: a host provisioned a moment ago. */
  private async catchUp(): Promise<void> {
    const jsm = await jetstreamManager(this.runtime.nc);
    const seq = (await jsm.streams.info(this.runtime.config.EVENT_STREAM)).state.last_seq;
    await this.runtime.projections.dockerHosts.waitFor(seq, 3_000).catch(() => undefined);
  }
}
