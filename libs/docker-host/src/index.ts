export * from './docker-host.commands.js';
export * from './docker-host.evolve.js';
export { decideDockerHost } from './docker-host.decide.js';
export { dockerHostDecider, dockerHostRef } from './docker-host.decider.js';
export { managedDockerHostOf, type ManagedDockerHost } from './docker-host.view.js';
export { DockerHosts } from './docker-hosts.js';
export { dockerHostsProjection } from './docker-hosts.projection.js';
export { daemonClient, probeDaemon, type DaemonFacts } from './daemon/daemon-probe.js';
export { PlatformDockerClient, type PlatformClientTls } from './daemon/platform-docker-client.js';
