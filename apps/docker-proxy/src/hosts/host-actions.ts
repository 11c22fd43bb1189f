import type { DockerHostStatus } from '@powernode/contracts';
import type { HealthMonitor } from '../health/health-monitor.js';
import type { DockerOperations } from '../operations/docker-operations.service.js';
import type { HostDirectory } from './host-directory.js';
import type { HostSnapshots } from './host-snapshots.js';

/** docker_list_hosts, docker_get_host, docker_test_host, docker_sync_host. */
export class HostActions {
  constructor(
    private readonly directory: HostDirectory,
    private readonly snapshots: HostSnapshots,
    private readonly health: HealthMonitor,
    private readonly operations: DockerOperations,
  ) {}

  async list(status: DockerHostStatus | undefined) {
    return { hosts: await this.directory.list(status) };
  }

  async get(hostId: string | undefined) {
    const state = await this.directory.get(hostId);
    return { host: this.directory.view(state), ...(await this.snapshots.get(state.hostId)) };
  }

  /** Probes now, whatever the host's status (a failing host is what one tests). */
  async test(hostId: string | undefined) {
    const state = await this.directory.get(hostId);
    const outcome = await this.health.probe(state);
    return {
      host_id: outcome.hostId,
      reachable: outcome.reachable,
      status: outcome.status,
      ...(outcome.version === undefined ? {} : { version: outcome.version }),
      ...(outcome.containers === undefined ? {} : { containers: outcome.containers }),
      ...(outcome.images === undefined ? {} : { images: outcome.images }),
      latency_ms: outcome.latencyMs,
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
    };
  }

  async sync(hostId: string | undefined) {
    const { host, ops } = await this.operations.on(hostId);
    const [containers, images] = await Promise.all([ops.listContainers(true), ops.listImages()]);
    const snapshot = await this.snapshots.put(host.id, containers, images, new Date());
    return { host: this.directory.view(host.state), ...snapshot };
  }
}
