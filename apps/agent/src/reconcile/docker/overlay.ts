import { normalizeIp } from '@powernode/pki';
import { runCommand, type CommandPrefix } from './command.js';

interface IpAddrEntry {
  addr_info?: { family?: string; local?: string; tentative?: boolean; dadfailed?: boolean }[];
}

/**
 * True when `ip -j -6 addr` output holds `address` in a usable state. A tentative address (duplicate address
 * detection still running) or one that failed DAD cannot be bound yet: dockerd would exit with "cannot assign
 * requested address".
 */
export function hasUsableAddress(ipJson: string, address: string): boolean {
  const wanted = canonical(address);
  if (wanted === undefined) return false;
  const entries = JSON.parse(ipJson || '[]') as IpAddrEntry[];
  return entries.some((entry) =>
    (entry.addr_info ?? []).some((info) => info.local !== undefined && canonical(info.local) === wanted && info.tentative !== true && info.dadfailed !== true),
  );
}

/** Whether the overlay address is on an interface of the namespace the agent (and so dockerd) runs in. */
export async function overlayPresent(address: string, prefix: CommandPrefix = []): Promise<boolean> {
  return hasUsableAddress(await runCommand([...prefix, 'ip', '-j', '-6', 'addr', 'show'], { timeoutMs: 10_000 }), address);
}

function canonical(address: string): string | undefined {
  try {
    return normalizeIp(address);
  } catch {
    return undefined;
  }
}
