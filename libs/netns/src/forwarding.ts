import { writeFile } from 'node:fs/promises';
import { PlatformError } from '@powernode/contracts';

/** A real interface name; `all` and `default` are the global knobs, which outlive us and are never ours to set. */
const IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;
const GLOBAL = new Set(['all', 'default']);

/** Writes `1` to an existing proc file; false when the kernel has no such knob. */
async function switchOn(path: string): Promise<boolean> {
  try {
    // r+: never create; a missing knob is an answer, not something to make.
    await writeFile(path, '1\n', { flag: 'r+' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new PlatformError('Internal', `could not write ${path}: ${String(error)}`, { path });
  }
}

/**
 * Lets the root namespace route between instance veths without turning on global forwarding
 * (host state that would outlive us). IPv4 decides per ingress interface (`forwarding`); IPv6 has
 * a per-interface switch only since Linux 6.17 (`force_forwarding`). Both vanish with the link.
 * IPv4 reverse-path filtering is made strict on the same link. Returns whether IPv6 forwarding could be
 * enabled (IPv4 always is, or this throws).
 */
export async function enableInterfaceForwarding(ifname: string): Promise<{ ipv6: boolean }> {
  if (!IFNAME.test(ifname) || GLOBAL.has(ifname)) {
    throw new PlatformError('InvalidInput', `refusing to set forwarding on ${JSON.stringify(ifname)}: not a single interface`, { ifname });
  }
  // Strict reverse-path filtering first: an instance may forward only from the addresses routed to it,
  // never spoof another's (the effective value is the stricter of this and the global one).
  if (!(await switchOn(`/proc/sys/net/ipv4/conf/${ifname}/rp_filter`)) || !(await switchOn(`/proc/sys/net/ipv4/conf/${ifname}/forwarding`))) {
    throw new PlatformError('Internal', `interface ${ifname} has no IPv4 forwarding knob (does it exist?)`, { ifname });
  }
  return { ipv6: await switchOn(`/proc/sys/net/ipv6/conf/${ifname}/force_forwarding`) };
}
