import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { PlatformError } from '../errors.js';

// Where a local instance's own dockerd (one per docker root, run by its agent) keeps what lives outside the
// docker root. The agent writes these into daemon.json; the local provider derives the same paths to clean up
// after a decommissioned instance. Both must agree, so they are computed here only.

/** Exec roots that would be too long for a unix socket move here (tmpfs, like dockerd's own /var/run/docker). */
export const DOCKER_SHORT_EXEC_ROOT_BASE = '/run/powernode-docker';
/** Every local dockerd's containers get cgroups under `/powernode/<key>` in each cgroup hierarchy. */
export const DOCKER_CGROUP_BASE = '/powernode';

/**
 * dockerd's longest socket under its exec-root is `containerd/containerd.sock.ttrpc`; a unix socket path has at
 * most 107 bytes. An exec-root longer than this would make dockerd fail to start with a cryptic bind error.
 */
const MAX_EXEC_ROOT_LENGTH = 107 - '/containerd/containerd.sock.ttrpc'.length;

function absoluteRoot(dockerRoot: string): string {
  const root = dockerRoot.replace(/(.)\/+$/, '$1');
  if (!posix.isAbsolute(root)) throw new PlatformError('InvalidInput', `a docker root must be an absolute path, not "${dockerRoot}"`, { dockerRoot });
  return root;
}

/** A short stable key of a docker root: the first 16 hex digits of the SHA-256 of its path. */
export function dockerRootKey(dockerRoot: string): string {
  return createHash('sha256').update(absoluteRoot(dockerRoot)).digest('hex').slice(0, 16);
}

/** `<root>/exec`, or `/run/powernode-docker/<key>` when that would be too long for dockerd's sockets. */
export function dockerExecRoot(dockerRoot: string): string {
  const inRoot = posix.join(absoluteRoot(dockerRoot), 'exec');
  if (inRoot.length <= MAX_EXEC_ROOT_LENGTH) return inRoot;
  return posix.join(DOCKER_SHORT_EXEC_ROOT_BASE, dockerRootKey(dockerRoot));
}

/**
 * The `cgroup-parent` of a local dockerd, `/powernode/<key>`: with the cgroupfs driver every container's cgroup is
 * `/sys/fs/cgroup/<controller>/powernode/<key>/<container id>`, so its processes can be found and killed even
 * after their dockerd is gone (they live in network namespaces of their own).
 */
export function dockerCgroupParent(dockerRoot: string): string {
  return `${DOCKER_CGROUP_BASE}/${dockerRootKey(dockerRoot)}`;
}
