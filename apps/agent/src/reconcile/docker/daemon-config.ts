import type { DockerPaths } from './docker-paths.js';

/** The only keys the agent ever adds to the platform's daemon configuration. */
export const LOCAL_DAEMON_KEYS = ['data-root', 'exec-root', 'pidfile', 'cgroup-parent'] as const;
export type LocalDaemonKey = (typeof LOCAL_DAEMON_KEYS)[number];

/**
 * The machine-local keys: where this dockerd keeps its state, so several run side by side, and where its containers'
 * cgroups go, so the provider can reap them after it; none without a docker root.
 */
export function localDaemonKeys(paths: Pick<DockerPaths, 'local'>): Partial<Record<LocalDaemonKey, string>> {
  if (paths.local === undefined) return {};
  return {
    'data-root': paths.local.dataRoot,
    'exec-root': paths.local.execRoot,
    pidfile: paths.local.pidfile,
    'cgroup-parent': paths.local.cgroupParent,
  };
}

/** dockerd decodes daemon.json with Go's encoding/json, whose field names match case-insensitively (as the handshake folds). */
const fold = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

/**
 * daemon.json: the platform's configuration as it came (its hash covers exactly that), plus the local keys.
 * The local keys win, also over another spelling of theirs (`Data-Root`): two dockerds sharing a data-root would
 * corrupt each other, and containers outside their cgroup-parent would outlive a decommissioned instance.
 */
export function renderDaemonJson(platform: Record<string, unknown>, local: Partial<Record<LocalDaemonKey, string>>): string {
  const unknown = Object.keys(local).filter((key) => !(LOCAL_DAEMON_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new Error(`only ${LOCAL_DAEMON_KEYS.join(', ')} may be added locally, not ${unknown.join(', ')}`);
  const overridden = new Set(Object.keys(local).map(fold));
  const kept = Object.fromEntries(Object.entries(platform).filter(([key]) => !overridden.has(fold(key))));
  return `${JSON.stringify({ ...kept, ...local }, null, 2)}\n`;
}
