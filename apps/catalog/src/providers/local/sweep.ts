import { stat } from 'node:fs/promises';
import type { Logger } from '@powernode/service-kit';
import { escapeRegExp, ipTolerating, listLinks, listNamespaces, namespacePids } from '@powernode/netns';
import { stopProcesses } from './agent-process.js';

const GONE = /does not exist|Cannot find device|No such file or directory/i;

export interface SweepOptions {
  /** Namespaces that belong to known instances and must survive. */
  keepNamespaces?: ReadonlySet<string>;
  /** Only namespaces at least this old (tests sweeping earlier crashed runs spare a live run's). */
  olderThanMs?: number;
  graceMs?: number;
  logger?: Logger;
}

async function ageMs(namespace: string): Promise<number> {
  try {
    return Date.now() - (await stat(`/var/run/netns/${namespace}`)).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Kernel state outlives processes: deletes every namespace `<prefix>-*` and host veth
 * `<prefix>h*` not in `keepNamespaces`, stopping processes still inside first. `prefix` is a
 * literal, or a RegExp whose source matches a whole prefix (tests sweep `/pt[0-9a-f]{4}/`).
 * A host veth is removed only when its namespace is gone, the gateway link `<prefix>gw` only
 * when no namespace of its prefix is left (or kept).
 * Returns the names removed.
 */
export async function sweepLeftovers(prefix: string | RegExp, options: SweepOptions = {}): Promise<string[]> {
  const source = typeof prefix === 'string' ? escapeRegExp(prefix) : prefix.source;
  const namespacePattern = new RegExp(`^(?:${source})-[a-z0-9]+$`);
  const vethPattern = new RegExp(`^(${source})h([a-z0-9]+)$`);
  const gatewayPattern = new RegExp(`^(${source})gw$`);
  const keep = options.keepNamespaces ?? new Set<string>();
  const removed: string[] = [];

  const namespaces = await listNamespaces();
  for (const namespace of namespaces) {
    if (!namespacePattern.test(namespace) || keep.has(namespace)) continue;
    if (options.olderThanMs !== undefined && (await ageMs(namespace)) < options.olderThanMs) continue;
    await stopProcesses(await namespacePids(namespace), options.graceMs ?? 2_000, () => namespacePids(namespace));
    await ipTolerating(GONE, 'netns', 'del', namespace);
    removed.push(namespace);
  }
  // Host ends whose namespace died with a process still inside, or a half-built pair. A veth whose
  // namespace still exists belongs to it (and goes with it).
  const remaining = new Set(namespaces.filter((ns) => !removed.includes(ns)));
  const links = await listLinks();
  for (const { name } of links) {
    const match = vethPattern.exec(name);
    if (match === null) continue;
    const namespace = `${match[1]}-${match[2]}`;
    if (keep.has(namespace) || remaining.has(namespace)) continue;
    await ipTolerating(GONE, 'link', 'del', name);
    removed.push(name);
  }
  // The gateway serves every instance of its prefix: it goes with the last of them.
  const alive = [...remaining, ...keep];
  for (const { name } of links) {
    const match = gatewayPattern.exec(name);
    if (match === null || alive.some((ns) => ns.startsWith(`${match[1]}-`))) continue;
    await ipTolerating(GONE, 'link', 'del', name);
    removed.push(name);
  }
  if (removed.length > 0) options.logger?.info({ removed }, 'swept leftover instance namespaces and veths');
  return removed;
}
