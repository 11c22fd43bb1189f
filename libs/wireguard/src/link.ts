import { canonicalPrefix } from './addresses.js';
import { CommandError, ip, type Netns } from './exec.js';

export interface LinkInfo {
  name: string;
  /** `wireguard` (kernel), `tun` (wireguard-go), or another kind. */
  kind: string | undefined;
  up: boolean;
}

interface IpLinkJson {
  ifname: string;
  flags?: string[];
  linkinfo?: { info_kind?: string };
}

export function isMissingDevice(error: unknown): boolean {
  return error instanceof CommandError && /does not exist|Cannot find device|No such device/i.test(error.stderr);
}

export async function linkInfo(netns: Netns, name: string): Promise<LinkInfo | undefined> {
  try {
    const [link] = JSON.parse(await ip(netns, ['-d', '-j', 'link', 'show', 'dev', name])) as IpLinkJson[];
    return link === undefined ? undefined : toInfo(link);
  } catch (error) {
    if (isMissingDevice(error)) return undefined;
    throw error;
  }
}

export async function listLinks(netns: Netns): Promise<LinkInfo[]> {
  return (JSON.parse(await ip(netns, ['-d', '-j', 'link', 'show'])) as IpLinkJson[]).map(toInfo);
}

function toInfo(link: IpLinkJson): LinkInfo {
  return { name: link.ifname, kind: link.linkinfo?.info_kind, up: link.flags?.includes('UP') ?? false };
}

export async function deleteLink(netns: Netns, name: string): Promise<boolean> {
  try {
    await ip(netns, ['link', 'del', 'dev', name]);
    return true;
  } catch (error) {
    if (isMissingDevice(error)) return false;
    throw error;
  }
}

/** Global addresses on the link, canonical `addr/len`. */
export async function linkAddresses(netns: Netns, name: string): Promise<string[]> {
  const [link] = JSON.parse(await ip(netns, ['-j', 'addr', 'show', 'dev', name])) as { addr_info?: { local: string; prefixlen: number; scope: string }[] }[];
  return (link?.addr_info ?? []).filter((a) => a.scope === 'global').map((a) => canonicalPrefix(`${a.local}/${a.prefixlen}`));
}

/** Routes through the link that someone configured (not the kernel's own), canonical prefixes. */
export async function linkRoutes(netns: Netns, name: string): Promise<string[]> {
  const routes: string[] = [];
  for (const family of ['-4', '-6']) {
    const entries = JSON.parse(await ip(netns, ['-j', family, 'route', 'show', 'dev', name])) as { dst: string; protocol?: string }[];
    for (const route of entries) {
      if (route.protocol === 'kernel' || route.dst === 'default' || route.dst.includes('multicast')) continue;
      routes.push(canonicalPrefix(route.dst));
    }
  }
  return routes;
}
