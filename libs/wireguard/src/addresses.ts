import { isIP } from 'node:net';

/** Canonical `address/prefix` (IPv6 compressed and lower-case; a bare address gets /128 or /32). */
export function canonicalPrefix(value: string): string {
  const [address = '', prefix] = value.trim().split('/');
  const family = isIP(address);
  if (family === 0) throw new Error(`not an IP address or prefix: "${value}"`);
  const bits = prefix ?? (family === 6 ? '128' : '32');
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (family === 6 ? 128 : 32)) throw new Error(`bad prefix length in "${value}"`);
  return `${family === 6 ? canonicalIpv6(address) : address}/${Number(bits)}`;
}

function canonicalIpv6(address: string): string {
  // The WHATWG URL parser compresses IPv6 per RFC 5952, which is what `ip` and `wg` print.
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/** Canonical `host:port` for an IP literal endpoint (`[v6]:port`); a hostname is returned as given. */
export function canonicalEndpoint(value: string): string {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:]+):(\d+)$/.exec(value);
  if (match === null) throw new Error(`endpoint must be host:port or [v6]:port, got "${value}"`);
  const [, host = '', port = ''] = match;
  if (Number(port) < 1 || Number(port) > 65535) throw new Error(`bad port in endpoint "${value}"`);
  const family = isIP(host);
  if (family === 6) return `[${canonicalIpv6(host)}]:${Number(port)}`;
  return `${host}:${Number(port)}`;
}
