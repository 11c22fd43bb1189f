import { randomBytes } from 'node:crypto';
import { PlatformError } from '@powernode/contracts';

const MAX_SERIAL_BYTES = 20; // RFC 5280 §4.1.2.2

/** 16 random bytes as a positive serial: first bit clear, first byte non-zero so it is always 32 hex digits. */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] as number) & 0x7f) || 0x01;
  return bytes.toString('hex');
}

/**
 * A serial in the platform's one format: lowercase hex, no separators, no leading zero bytes
 * (what `openssl x509 -noout -serial` prints, lowercased). Accepts `:` separators and any case.
 */
export function normalizeSerial(serial: string): string {
  let hex = serial.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex)) throw new PlatformError('InvalidInput', `serial "${serial}" is not hex`);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  while (hex.length > 2 && hex.startsWith('00')) hex = hex.slice(2);
  if (/^0+$/.test(hex)) throw new PlatformError('InvalidInput', 'serial must be positive');
  const encodedBytes = hex.length / 2 + (parseInt(hex.slice(0, 2), 16) & 0x80 ? 1 : 0);
  if (encodedBytes > MAX_SERIAL_BYTES) throw new PlatformError('InvalidInput', `serial longer than ${MAX_SERIAL_BYTES} bytes`);
  return hex;
}
