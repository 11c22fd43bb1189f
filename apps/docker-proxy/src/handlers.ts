import { dockerActions } from '@powernode/contracts';
import { handle, type ActionHandler } from '@powernode/service-kit';
import type { HostActions } from './hosts/host-actions.js';
import type { DockerOperations } from './operations/docker-operations.service.js';

/** Every docker_* action the docker-proxy answers: parse (done by the action server), delegate. */
export function dockerProxyHandlers(hosts: HostActions, ops: DockerOperations): [string, ActionHandler][] {
  return [
    handle(dockerActions.dockerListHosts, (input) => hosts.list(input.status)),
    handle(dockerActions.dockerGetHost, (input) => hosts.get(input.host_id)),
    handle(dockerActions.dockerTestHost, (input) => hosts.test(input.host_id)),
    handle(dockerActions.dockerSyncHost, (input) => hosts.sync(input.host_id)),
    handle(dockerActions.dockerListContainers, (input) => ops.listContainers(input)),
    handle(dockerActions.dockerGetContainer, (input) => ops.getContainer(input)),
    handle(dockerActions.dockerCreateContainer, (input, ctx) => ops.createContainer(input, ctx)),
    handle(dockerActions.dockerStartContainer, (input, ctx) => ops.startContainer(input, ctx)),
    handle(dockerActions.dockerStopContainer, (input, ctx) => ops.stopContainer(input, ctx)),
    handle(dockerActions.dockerRestartContainer, (input, ctx) => ops.restartContainer(input, ctx)),
    handle(dockerActions.dockerContainerLogs, (input) => ops.containerLogs(input)),
    handle(dockerActions.dockerDeleteContainer, (input, ctx) => ops.deleteContainer(input, ctx)),
    handle(dockerActions.dockerListImages, (input) => ops.listImages(input)),
    handle(dockerActions.dockerPullImage, (input, ctx) => ops.pullImage(input, ctx)),
    handle(dockerActions.dockerDeleteImage, (input, ctx) => ops.deleteImage(input, ctx)),
  ];
}
