import { readFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { socketPath, WIREGUARD_SOCKET_DIR, wireguardGoPid } from '@powernode/wireguard';

/** What the agent names its interfaces (`pn-` + 12 hex per node, 8 hex for a hub): nothing else is ours to delete. */
const INTERFACE_NAME = /^pn-[0-9a-f]{8,12}$/;

/** The interface names the agent recorded in `<agentStateDir>/sdwan/interfaces.json`; missing or malformed → none. */
async function trackedInterfaces(agentStateDir: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readFile(join(agentStateDir, 'sdwan', 'interfaces.json'), 'utf8')) as { interfaces?: unknown };
    return Array.isArray(parsed.interfaces) ? parsed.interfaces.filter((n): n is string => typeof n === 'string' && INTERFACE_NAME.test(n)) : [];
  } catch {
    return [];
  }
}

/**
 * wireguard-go dies with the instance's namespace, but its UAPI socket stays in the machine-wide
 * `/var/run/wireguard` (the directory is shared by every namespace). Removes the sockets of the
 * interfaces the agent recorded, unless a wireguard-go still serves that name somewhere (then it
 * is not this instance's leftover). Call after the instance's processes are stopped.
 * Returns the sockets removed.
 */
export async function removeStaleWireguardSockets(agentStateDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await trackedInterfaces(agentStateDir)) {
    const path = socketPath(name);
    if (dirname(path) !== WIREGUARD_SOCKET_DIR || (await wireguardGoPid(name)) !== undefined) continue;
    try {
      await unlink(path);
      removed.push(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return removed;
}
