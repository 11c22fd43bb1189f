import { isIPv4, isIPv6 } from 'node:net';
import { PlatformError } from '@powernode/contracts';

/** The 4- or 16-byte network form of an IPv4 or IPv6 literal (no zone, brackets or prefix). */
export function ipToBytes(text: string): Buffer {
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number));
  if (isIPv6(text) && !text.includes('%')) return ipv6ToBytes(text);
  throw new PlatformError('InvalidInput', `not an IP address literal: "${text}"`);
}

/** Canonical text of a 4- or 16-byte address: dotted quad, or RFC 5952 lowercase compressed IPv6. */
export function bytesToIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) throw new PlatformError('InvalidInput', `an IP address has 4 or 16 bytes, not ${bytes.length}`);
  if (bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${Array.from(bytes.subarray(12)).join('.')}`; // IPv4-mapped keeps its dotted tail (RFC 5952 §5)
  }
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] as number) << 8) | (bytes[2 * i + 1] as number));
  const run = longestZeroRun(groups);
  const hex = groups.map((group) => group.toString(16));
  if (run.length < 2) return hex.join(':');
  return `${hex.slice(0, run.start).join(':')}::${hex.slice(run.start + run.length).join(':')}`;
}

/** Canonical text of an IP literal, so the same address always compares equal. */
export function normalizeIp(text: string): string {
  return bytesToIp(ipToBytes(text));
}

function ipv6ToBytes(text: string): Buffer {
  // An embedded dotted quad (::ffff:192.0.2.1) stands for the last two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let source = text;
  if (dotted) {
    const [a, b, c, d] = (dotted[1] as string).split('.').map(Number) as [number, number, number, number];
    source = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = source.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  const groups = tail === undefined ? left : [...left, ...Array<string>(missing).fill('0'), ...right];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), 2 * i));
  return bytes;
}

function longestZeroRun(groups: number[]): { start: number; length: number } {
  let best = { start: -1, length: 0 };
  let start = -1;
  groups.forEach((group, i) => {
    if (group !== 0) {
      start = -1;
      return;
    }
    if (start < 0) start = i;
    if (i - start + 1 > best.length) best = { start, length: i - start + 1 };
  });
  return best;
}
