import { ip, ipFailedWith, ipTolerating, type GatewayAddresses } from '@powernode/netns';

const GONE = /does not exist|Cannot find device/i;
const NO_DUMMY = /Unknown device type/i;

interface LinkJson {
  flags?: string[];
  addr_info?: { local?: string; prefixlen?: number }[];
}

/** `ip -j addr show dev <name>`, or undefined when there is no such link. */
async function linkState(name: string): Promise<LinkJson | undefined> {
  try {
    return (JSON.parse((await ip('-j', 'addr', 'show', 'dev', name)) || '[]') as LinkJson[])[0];
  } catch (error) {
    if (ipFailedWith(error, GONE)) return undefined;
    throw error;
  }
}

/**
 * A dummy link carrying the gateway addresses (IPv4 /32, IPv6 /128 `nodad`): a stable host address
 * every instance reaches through its default route, delivered locally (no forwarding needed), e.g.
 * the platform's WireGuard hub endpoint. Kernels built without `dummy` get an `ifb`, which holds
 * addresses just as well (local delivery never transmits on it). Idempotent and cheap when in place:
 * provision calls it every time.
 */
export async function ensureGateway(name: string, addresses: GatewayAddresses): Promise<void> {
  const state = await linkState(name);
  const has = (address: string, length: number) => state?.addr_info?.some((a) => a.local === address && a.prefixlen === length) ?? false;
  if (state?.flags?.includes('UP') && has(addresses.ipv4, 32) && has(addresses.ipv6, 128)) return;
  if (state === undefined) {
    try {
      await ipTolerating(/File exists/i, 'link', 'add', name, 'type', 'dummy');
    } catch (error) {
      if (!ipFailedWith(error, NO_DUMMY)) throw error;
      await ipTolerating(/File exists/i, 'link', 'add', name, 'type', 'ifb');
    }
  }
  await ip('link', 'set', name, 'up');
  await ip('addr', 'replace', `${addresses.ipv6}/128`, 'dev', name, 'nodad');
  await ip('addr', 'replace', `${addresses.ipv4}/32`, 'dev', name);
}

/** Removes the gateway link (and its addresses with it); idempotent. */
export async function deleteGateway(name: string): Promise<void> {
  await ipTolerating(GONE, 'link', 'del', name);
}
