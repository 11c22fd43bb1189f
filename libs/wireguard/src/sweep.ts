import { readdir, rm } from 'node:fs/promises';
import { ip } from './exec.js';
import { deleteLink, listLinks } from './link.js';
import { terminate, wireguardGoProcesses } from './processes.js';
import { WIREGUARD_SOCKET_DIR } from './uapi-socket.js';
import { forgetMatching } from './wireguard-interface.js';

export interface SweepResult {
  killed: number[];
  sockets: string[];
  links: string[];
}

/**
 * Kills every wireguard-go serving a name that matches, and removes matching sockets and WireGuard/tun links
 * in the current namespace and every named one (for tests and boot: leftovers of crashed runs).
 */
export async function sweepWireguard(pattern: RegExp | ((name: string) => boolean)): Promise<SweepResult> {
  const matches = typeof pattern === 'function' ? pattern : (name: string): boolean => pattern.test(name);
  forgetMatching(matches);
  const victims = (await wireguardGoProcesses()).filter((p) => matches(p.name));
  await Promise.all(victims.map((p) => terminate(p.pid, 1_000)));

  const sockets: string[] = [];
  let entries: string[] = [];
  try {
    entries = await readdir(WIREGUARD_SOCKET_DIR);
  } catch {
    // no directory: nothing ever ran
  }
  for (const entry of entries) {
    if (!entry.endsWith('.sock') || !matches(entry.slice(0, -'.sock'.length))) continue;
    await rm(`${WIREGUARD_SOCKET_DIR}/${entry}`, { force: true });
    sockets.push(entry);
  }

  const links: string[] = [];
  const namespaces = (JSON.parse((await ip(undefined, ['-j', 'netns', 'list'])) || '[]') as { name: string }[]).map((n) => n.name);
  for (const netns of [undefined, ...namespaces]) {
    let found;
    try {
      found = await listLinks(netns);
    } catch {
      continue; // the namespace went away meanwhile
    }
    for (const link of found) {
      if (!matches(link.name) || (link.kind !== 'wireguard' && link.kind !== 'tun')) continue;
      if (await deleteLink(netns, link.name)) links.push(`${netns ?? '(current)'}/${link.name}`);
    }
  }
  return { killed: victims.map((p) => p.pid), sockets, links };
}
