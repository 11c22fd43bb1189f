import type { InstanceAddresses } from './address-plan.js';
import { V4_SUBNET_LENGTH, V6_SUBNET_LENGTH } from './address-plan.js';
import { enableInterfaceForwarding } from './forwarding.js';
import { ip, ipTolerating, linkExists, namespaceExists } from './ip.js';
import type { InstanceNames } from './names.js';

const GONE = /does not exist|Cannot find device|No such file or directory|Invalid netns name/i;

export interface UnderlayCreated {
  /** False on kernels before 6.17: no per-interface IPv6 forwarding, so instances reach each other over IPv4 only. */
  ipv6Forwarding: boolean;
}

/**
 * Builds an instance's network: a namespace, a veth pair (host side in the root namespace), a /64
 * and a /30 on the link, `lo` up and default routes via the host, like a machine on a LAN.
 * The host end forwards (per interface only), so instances reach each other's underlay.
 * Addresses use `nodad` so they are usable at once. Partial state is removed on failure.
 */
export async function createUnderlay(names: InstanceNames, addresses: InstanceAddresses): Promise<UnderlayCreated> {
  const { namespace: ns, hostInterface: host, instanceInterface: inside } = names;
  try {
    if (!(await namespaceExists(ns))) await ip('netns', 'add', ns);
    if (!(await linkExists(host))) {
      // A stale inner end (host end lost) would block re-creating the pair under the same name.
      await ipTolerating(GONE, '-n', ns, 'link', 'del', inside);
      await ip('link', 'add', host, 'type', 'veth', 'peer', 'name', inside, 'netns', ns);
    }
    await ip('link', 'set', host, 'up');
    const forwarding = await enableInterfaceForwarding(host);
    await ip('addr', 'replace', `${addresses.hostIpv6}/${V6_SUBNET_LENGTH}`, 'dev', host, 'nodad');
    await ip('addr', 'replace', `${addresses.hostIpv4}/${V4_SUBNET_LENGTH}`, 'dev', host);
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    await ip('-n', ns, 'link', 'set', inside, 'up');
    await ip('-n', ns, 'addr', 'replace', `${addresses.instanceIpv6}/${V6_SUBNET_LENGTH}`, 'dev', inside, 'nodad');
    await ip('-n', ns, 'addr', 'replace', `${addresses.instanceIpv4}/${V4_SUBNET_LENGTH}`, 'dev', inside);
    await ip('-n', ns, '-4', 'route', 'replace', 'default', 'via', addresses.hostIpv4, 'dev', inside);
    await ip('-n', ns, '-6', 'route', 'replace', 'default', 'via', addresses.hostIpv6, 'dev', inside);
    return { ipv6Forwarding: forwarding.ipv6 };
  } catch (error) {
    await deleteUnderlay(names).catch(() => undefined);
    throw error;
  }
}

/** True when the namespace and both ends of the veth pair exist. */
export async function underlayIntact(names: InstanceNames): Promise<boolean> {
  if (!(await namespaceExists(names.namespace))) return false;
  return (await linkExists(names.hostInterface)) && (await linkExists(names.instanceInterface, names.namespace));
}

/**
 * Removes the veth pair and the namespace; idempotent. Callers stop processes first: a process
 * left inside keeps the (unnamed) namespace alive after `netns del`. Deleting the host end
 * destroys the pair, so no veth survives even then.
 */
export async function deleteUnderlay(names: InstanceNames): Promise<void> {
  await ipTolerating(GONE, 'link', 'del', names.hostInterface);
  await ipTolerating(GONE, 'netns', 'del', names.namespace);
}
