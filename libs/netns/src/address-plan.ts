import { isIPv4, isIPv6 } from 'node:net';
import { PlatformError } from '@powernode/contracts';

/** Where instance underlays come from: one /64 and one /30 per instance index. */
export interface AddressPlan {
  v6Base: bigint;
  v6PrefixLength: number;
  v4Base: bigint;
  v4PrefixLength: number;
  /** Highest usable index (index 0 is never used: it would hold the ranges' network addresses). */
  maxIndex: number;
}

export interface InstanceAddresses {
  hostIpv6: string;
  instanceIpv6: string;
  hostIpv4: string;
  instanceIpv4: string;
}

export const V6_SUBNET_LENGTH = 64;
export const V4_SUBNET_LENGTH = 30;

export function parseIpv6(text: string): bigint {
  if (!isIPv6(text)) throw new PlatformError('InvalidInput', `not an IPv6 address: ${text}`);
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  const all = tail === undefined ? left : [...left, ...Array<string>(missing).fill('0'), ...right];
  return all.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** RFC 5952 text form (what `ip` prints): lower case, longest run of ≥ 2 zero groups compressed. */
export function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i += 1; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function parseIpv4(text: string): bigint {
  if (!isIPv4(text)) throw new PlatformError('InvalidInput', `not an IPv4 address: ${text}`);
  return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

export function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 0xffn).toString()).join('.');
}

function parseCidr(cidr: string, family: 4 | 6, maxLength: number): { base: bigint; length: number } {
  const [address = '', lengthText = ''] = cidr.split('/');
  const length = Number(lengthText);
  const bits = family === 6 ? 128 : 32;
  if (!/^\d+$/.test(lengthText) || length < 1 || length > maxLength) {
    throw new PlatformError('InvalidInput', `underlay IPv${family} prefix ${cidr} must have a length between 1 and ${maxLength}`);
  }
  const value = family === 6 ? parseIpv6(address) : parseIpv4(address);
  const hostBits = BigInt(bits - length);
  if ((value >> hostBits) << hostBits !== value) {
    throw new PlatformError('InvalidInput', `underlay IPv${family} prefix ${cidr} has host bits set`);
  }
  return { base: value, length };
}

/** Validates the configured ranges once; a /48 and a /15 give 32767 instances (the IPv4 range is the bound). */
export function createAddressPlan(ipv6Prefix: string, ipv4Prefix: string): AddressPlan {
  const v6 = parseCidr(ipv6Prefix, 6, V6_SUBNET_LENGTH - 1);
  const v4 = parseCidr(ipv4Prefix, 4, V4_SUBNET_LENGTH - 1);
  const v6Count = 2 ** Math.min(V6_SUBNET_LENGTH - v6.length, 30);
  const v4Count = 2 ** (V4_SUBNET_LENGTH - v4.length);
  return { v6Base: v6.base, v6PrefixLength: v6.length, v4Base: v4.base, v4PrefixLength: v4.length, maxIndex: Math.min(v6Count, v4Count) - 1 };
}

/** Index n → the n-th /64 (host ::1, instance ::2) and the n-th /30 (host .1, instance .2). */
export function addressesFor(plan: AddressPlan, index: number): InstanceAddresses {
  if (!Number.isInteger(index) || index < 1 || index > plan.maxIndex) {
    throw new PlatformError('InvalidInput', `address index ${index} is outside 1..${plan.maxIndex}`);
  }
  const v6Net = plan.v6Base + (BigInt(index) << BigInt(128 - V6_SUBNET_LENGTH));
  const v4Net = plan.v4Base + (BigInt(index) << BigInt(32 - V4_SUBNET_LENGTH));
  return {
    hostIpv6: formatIpv6(v6Net + 1n),
    instanceIpv6: formatIpv6(v6Net + 2n),
    hostIpv4: formatIpv4(v4Net + 1n),
    instanceIpv4: formatIpv4(v4Net + 2n),
  };
}

/** The host's own addresses every instance reaches through its default route (see gateway.ts). */
export interface GatewayAddresses {
  ipv4: string;
  ipv6: string;
}

/**
 * The first host address of index 0's ranges (198.18.0.1, fd5e:7e57::1 by default): index 0 is never
 * an instance's, so these clash with no underlay, and `indexOfAddress` does not count them as used.
 */
export function gatewayAddresses(plan: AddressPlan): GatewayAddresses {
  return { ipv4: formatIpv4(plan.v4Base + 1n), ipv6: formatIpv6(plan.v6Base + 1n) };
}

/** Which index an address already on the host occupies, or undefined when it is outside the plan. */
export function indexOfAddress(plan: AddressPlan, address: string): number | undefined {
  if (isIPv6(address)) {
    const offset = parseIpv6(address) - plan.v6Base;
    const index = offset >> BigInt(128 - V6_SUBNET_LENGTH);
    return offset >= 0n && index >= 1n && index <= BigInt(plan.maxIndex) ? Number(index) : undefined;
  }
  if (isIPv4(address)) {
    const offset = parseIpv4(address) - plan.v4Base;
    const index = offset >> BigInt(32 - V4_SUBNET_LENGTH);
    return offset >= 0n && index >= 1n && index <= BigInt(plan.maxIndex) ? Number(index) : undefined;
  }
  return undefined;
}

/** The lowest index nobody holds; a full plan is a clear error, not a silent reuse. */
export function lowestFreeIndex(plan: AddressPlan, used: ReadonlySet<number>): number {
  for (let index = 1; index <= plan.maxIndex; index += 1) if (!used.has(index)) return index;
  throw new PlatformError('ServiceUnavailable', `the underlay address plan is full (${plan.maxIndex} instances)`);
}
