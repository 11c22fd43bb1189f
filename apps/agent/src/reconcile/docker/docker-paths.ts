import { join } from 'node:path';
import { dockerCgroupParent, dockerExecRoot } from '@powernode/contracts';

/** Where the daemon's files live on this machine. */
export interface DockerPaths {
  daemonJson: string;
  /** The handshake's `tls_dir`: ca.pem, server-cert.pem, server-key.pem. */
  tlsDir: string;
  /** The agent's record of what it set up (`<state>/docker/state.json`): teardown removes only what is recorded. */
  stateFile: string;
  /** Where dockerd looks for per-registry CAs (`<dir>/<host:port>/ca.crt`): the machine's, also with a docker root. */
  registryCertsDir: string;
  /** Only with a docker root: the keys the agent adds to the platform's daemon.json, one dockerd per root. */
  local?: { dataRoot: string; execRoot: string; pidfile: string; cgroupParent: string };
  dockerRoot?: string;
}

export const SYSTEM_DAEMON_JSON = '/etc/docker/daemon.json';
export const SYSTEM_TLS_DIR = '/etc/docker/powernode-tls';
/** dockerd (rootful) has no option to move it: every dockerd on the machine reads this one. */
export const SYSTEM_REGISTRY_CERTS_DIR = '/etc/docker/certs.d';
// Shared with the local provider, which cleans up after an instance's dockerd (libs/contracts, local-docker.ts).
export { DOCKER_SHORT_EXEC_ROOT_BASE as SHORT_EXEC_ROOT_BASE, dockerExecRoot as execRootFor } from '@powernode/contracts';

/** `registryCertsDir` moves only in tests: dockerd itself always reads SYSTEM_REGISTRY_CERTS_DIR. */
export function dockerPaths(stateDir: string, dockerRoot?: string, registryCertsDir = SYSTEM_REGISTRY_CERTS_DIR): DockerPaths {
  const stateFile = join(stateDir, 'docker', 'state.json');
  if (dockerRoot === undefined) return { daemonJson: SYSTEM_DAEMON_JSON, tlsDir: SYSTEM_TLS_DIR, stateFile, registryCertsDir };
  return {
    daemonJson: join(dockerRoot, 'daemon.json'),
    tlsDir: join(dockerRoot, 'tls'),
    stateFile,
    registryCertsDir,
    local: {
      dataRoot: join(dockerRoot, 'data'),
      execRoot: dockerExecRoot(dockerRoot),
      pidfile: join(dockerRoot, 'dockerd.pid'),
      // Containers live in network namespaces of their own: their cgroups are how the provider finds them.
      cgroupParent: dockerCgroupParent(dockerRoot),
    },
    dockerRoot,
  };
}

/** Who runs dockerd: the agent as its child, or systemd (with the agent's drop-in). */
export type DaemonRunMode = 'supervise' | 'systemd';

/** systemd's own marker that it is the running init (sd_booted). */
export const SYSTEMD_RUNNING_MARKER = '/run/systemd/system';

/**
 * A docker root means a per-instance dockerd beside others on one machine, which only the agent can run;
 * otherwise the machine's systemd runs the one dockerd when there is a systemd, and the agent when there is not.
 */
export function daemonRunMode(dockerRoot: string | undefined, systemdRunning: boolean): DaemonRunMode {
  return dockerRoot === undefined && systemdRunning ? 'systemd' : 'supervise';
}
