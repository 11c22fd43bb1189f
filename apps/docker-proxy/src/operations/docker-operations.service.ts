import { permissionsOf, type dockerActions } from '@powernode/contracts';
import type { DockerHosts, DockerOperationKind } from '@powernode/docker-host';
import type { CommandMeta } from '@powernode/eventstore';
import type { HandlerContext, Logger } from '@powernode/service-kit';
import type { z } from 'zod';
import type { DaemonPool } from '../connections/daemon-pool.js';
import { DaemonOperations } from '../daemon/daemon-operations.js';
import { imageReferenceOf } from '../daemon/image-reference.js';
import type { PullProgress } from '../daemon/pull-progress.js';
import type { ConnectedHost, HostDirectory } from '../hosts/host-directory.js';

type Input<A extends keyof typeof dockerActions> = (typeof dockerActions)[A] extends { input: infer S extends z.ZodType } ? z.output<S> : never;

export function metaOf(ctx: HandlerContext): CommandMeta {
  return { actor: ctx.actor, correlationId: ctx.correlationId, traceparent: ctx.traceparent ?? null };
}

/**
 * The docker_* container and image actions: pick the host, act on its daemon, then record what was done
 * (system.docker.image.* / container.* with the operator as actor). A refused or failed daemon call records
 * nothing: the event follows the daemon's success.
 */
export class DockerOperations {
  constructor(
    private readonly directory: HostDirectory,
    private readonly pool: DaemonPool,
    private readonly hosts: DockerHosts,
    private readonly requestTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async on(hostId: string | undefined): Promise<{ host: ConnectedHost; ops: DaemonOperations }> {
    const host = await this.directory.connected(hostId);
    const docker = await this.pool.docker(host.id, host.overlay);
    return { host, ops: new DaemonOperations(docker, { id: host.id, overlay: host.overlay }, this.requestTimeoutMs) };
  }

  async listContainers(input: Input<'dockerListContainers'>) {
    const { ops } = await this.on(input.host_id);
    return { containers: await ops.listContainers(input.all) };
  }

  async getContainer(input: Input<'dockerGetContainer'>) {
    const { ops } = await this.on(input.host_id);
    return { container: await ops.getContainer(input.container_id) };
  }

  async createContainer(input: Input<'dockerCreateContainer'>, ctx: HandlerContext) {
    const { host, ops } = await this.on(input.host_id);
    const allowPrivileged = permissionsOf(ctx.caller.roles).has('system.docker_privileged');
    const created = await ops.createContainer(input, { allowPrivileged });
    const { container } = created;
    await this.record(host, 'system.docker.container.created', { container_id: container.id, name: container.name, image: created.image, ports: created.published, privileged_params: created.privilegedParams }, ctx);
    if (input.detach) await this.record(host, 'system.docker.container.started', { container_id: container.id, name: container.name }, ctx);
    return { container };
  }

  async startContainer(input: Input<'dockerStartContainer'>, ctx: HandlerContext) {
    return this.lifecycle(input, ctx, 'system.docker.container.started', (ops) => ops.startContainer(input.container_id));
  }

  async stopContainer(input: Input<'dockerStopContainer'>, ctx: HandlerContext) {
    return this.lifecycle(input, ctx, 'system.docker.container.stopped', (ops) => ops.stopContainer(input.container_id, input.timeout_s));
  }

  async restartContainer(input: Input<'dockerRestartContainer'>, ctx: HandlerContext) {
    return this.lifecycle(input, ctx, 'system.docker.container.restarted', (ops) => ops.restartContainer(input.container_id, input.timeout_s));
  }

  async containerLogs(input: Input<'dockerContainerLogs'>) {
    const { ops } = await this.on(input.host_id);
    return ops.containerLogs(input);
  }

  async deleteContainer(input: Input<'dockerDeleteContainer'>, ctx: HandlerContext) {
    const { host, ops } = await this.on(input.host_id);
    const deleted = await ops.deleteContainer(input.container_id, input.force);
    await this.record(host, 'system.docker.container.deleted', { container_id: deleted.id, name: deleted.name }, ctx);
    return { container_id: deleted.id, deleted: true as const };
  }

  async listImages(input: Input<'dockerListImages'>) {
    const { ops } = await this.on(input.host_id);
    return { images: await ops.listImages() };
  }

  /** Progress (throttled by the daemon operations) goes to the event log in order, and is waited for before the answer. */
  async pullImage(input: Input<'dockerPullImage'>, ctx: HandlerContext) {
    const reference = imageReferenceOf(input.image, input.tag);
    const { host, ops } = await this.on(input.host_id);
    let progressChain: Promise<unknown> = Promise.resolve();
    const onProgress = (progress: PullProgress) => {
      progressChain = progressChain
        .then(() => this.record(host, 'system.docker.image.pull_progress', { reference, ...progress }, ctx))
        .catch((error: unknown) => this.logger.warn({ err: error, host_id: host.id }, 'could not record pull progress'));
    };
    const image = await ops.pullImage(reference, onProgress);
    await progressChain;
    await this.record(host, 'system.docker.image.pulled', { reference, image_id: image.id, size: image.size }, ctx);
    return { image };
  }

  async deleteImage(input: Input<'dockerDeleteImage'>, ctx: HandlerContext) {
    const { host, ops } = await this.on(input.host_id);
    const result = await ops.deleteImage(input.image_id, input.force);
    await this.record(host, 'system.docker.image.deleted', { image: input.image_id, deleted: result.deleted, untagged: result.untagged }, ctx);
    return result;
  }

  private async lifecycle(
    input: { host_id?: string | undefined; container_id: string },
    ctx: HandlerContext,
    kind: DockerOperationKind,
    act: (ops: DaemonOperations) => Promise<Awaited<ReturnType<DaemonOperations['getContainer']>>>,
  ) {
    const { host, ops } = await this.on(input.host_id);
    const container = await act(ops);
    await this.record(host, kind, { container_id: container.id, name: container.name }, ctx);
    return { container };
  }

  private async record(host: ConnectedHost, kind: DockerOperationKind, data: Record<string, unknown>, ctx: HandlerContext): Promise<void> {
    await this.hosts.execute(host.instanceId, { type: 'RecordOperation', data: { kind, data } }, metaOf(ctx));
  }
}
