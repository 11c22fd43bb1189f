import { PlatformError } from '@powernode/contracts';
import { formatIpv6, hostMask, parseCidr, parseIpv6 } from './ipv6.js';

/**
 * The SDWAN address plan (DESIGN §7, RFC 4193): one random ULA /48 per installation, one /64 per
 * network inside it, one /128 per peer inside its network's /64; the hub is `::1` of each network.
 */

const ULA_FD = 0xfdn << 120n;

/** A ULA /48 from 40 random bits (the RFC 4193 global id), e.g. `fd3a:1b2c:9d4e::/48`. */
export function installationPrefixFrom(globalId: Buffer): string {
  if (globalId.length !== 5) throw new RangeError('the ULA global id is 40 bits');
  return `${formatIpv6(ULA_FD | (BigInt(`0x${globalId.toString('hex')}`) << 80n))}/48`;
}

/** The /64 with subnet id `subnet` (16 bits) inside an installation /48. */
export function networkPrefixIn(installation48: string, subnet: number): string {
  const parsed = parseCidr(installation48);
  if (!parsed || parsed.length !== 48) throw new RangeError(`not a /48: ${installation48}`);
  if (!Number.isInteger(subnet) || subnet < 0 || subnet > 0xffff) throw new RangeError('subnet ids are 16 bits');
  return `${formatIpv6(parsed.base | (BigInt(subnet) << 64n))}/64`;
}

/** Canonical text of an operator's explicit prefix; InvalidInput unless it is a ULA (fd00::/8) /64 with no host bits. */
export function parseUlaPrefix64(text: string): string {
  const parsed = parseCidr(text);
  const problem = !parsed
    ? 'not an IPv6 prefix'
    : parsed.length !== 64
      ? `a /${parsed.length}, not a /64`
      : parsed.base >> 120n !== 0xfdn
        ? 'not a ULA (RFC 4193 fd00::/8)'
        : (parsed.base & hostMask(64)) !== 0n
          ? 'has host bits set'
          : undefined;
  if (problem) throw new PlatformError('InvalidInput', `prefix ${text} is ${problem}`, { issues: [{ field: 'prefix', message: problem }] });
  return `${formatIpv6(parsed!.base)}/64`;
}

/** The address with interface id `iid` (64 bits) in a network /64. */
export function addressIn(network64: string, iid: bigint): string {
  const parsed = parseCidr(network64);
  if (!parsed || parsed.length !== 64) throw new RangeError(`not a /64: ${network64}`);
  return formatIpv6(parsed.base | (iid & hostMask(64)));
}

/** The platform hub's address in a network: always `::1`. */
export function hubAddress(network64: string): string {
  return addressIn(network64, 1n);
}

/** A random peer address in the /64 from 8 random bytes; never the subnet-router anycast `::0` nor the hub's `::1`. */
export function peerAddressFrom(network64: string, random: Buffer): string {
  if (random.length !== 8) throw new RangeError('a peer interface id is 64 bits');
  const iid = BigInt(`0x${random.toString('hex')}`);
  return addressIn(network64, iid < 2n ? iid + 2n : iid);
}

/** Whether `address` (a /128, without length) lies in `prefix`. */
export function contains(prefix: string, address: string): boolean {
  const parsed = parseCidr(prefix);
  const value = parseIpv6(address);
  if (!parsed || value === undefined) return false;
  return (value & ~hostMask(parsed.length) & ((1n << 128n) - 1n)) === parsed.base;
}

/** Canonical text of an address, so two spellings of one address compare equal. */
export function canonicalAddress(address: string): string {
  const value = parseIpv6(address);
  if (value === undefined) throw new RangeError(`not an IPv6 address: ${address}`);
  return formatIpv6(value);
}
