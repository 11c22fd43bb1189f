import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Where the daemon's files live on this machine. */
export interface DockerPaths {
  daemonJson: string;
  /** The handshake's `tls_dir`: ca.pem, server-cert.pem, server-key.pem. */
  tlsDir: string;
  /** The agent's record of what it set up (`<state>/docker/state.json`): teardown removes only what is recorded. */
  stateFile: string;
  /** Only with a docker root: the keys the agent adds to the platform's daemon.json, one dockerd per root. */
  local?: { dataRoot: string; execRoot: string; pidfile: string };
  dockerRoot?: string;
}

export const SYSTEM_DAEMON_JSON = '/etc/docker/daemon.json';
export const SYSTEM_TLS_DIR = '/etc/docker/powernode-tls';
/** Exec roots that would be too long for a unix socket move here (tmpfs, like dockerd's own /var/run/docker). */
export const SHORT_EXEC_ROOT_BASE = '/run/powernode-docker';

/**
 * dockerd's longest socket under its exec-root is `containerd/containerd.sock.ttrpc`; a unix socket path has at
 * most 107 bytes. An exec-root longer than this would make dockerd fail to start with a cryptic bind error.
 */
const MAX_EXEC_ROOT_LENGTH = 107 - '/containerd/containerd.sock.ttrpc'.length;

export function dockerPaths(stateDir: string, dockerRoot?: string): DockerPaths {
  const stateFile = join(stateDir, 'docker', 'state.json');
  if (dockerRoot === undefined) return { daemonJson: SYSTEM_DAEMON_JSON, tlsDir: SYSTEM_TLS_DIR, stateFile };
  return {
    daemonJson: join(dockerRoot, 'daemon.json'),
    tlsDir: join(dockerRoot, 'tls'),
    stateFile,
    local: { dataRoot: join(dockerRoot, 'data'), execRoot: execRootFor(dockerRoot), pidfile: join(dockerRoot, 'dockerd.pid') },
    dockerRoot,
  };
}

/** `<root>/exec`, or a short path derived from the root when that would be too long for dockerd's sockets. */
export function execRootFor(dockerRoot: string): string {
  const inRoot = join(dockerRoot, 'exec');
  if (inRoot.length <= MAX_EXEC_ROOT_LENGTH) return inRoot;
  return join(SHORT_EXEC_ROOT_BASE, createHash('sha256').update(dockerRoot).digest('hex').slice(0, 16));
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
