import { normalizeSerial } from '@powernode/pki';

/**
 * The platform's serial form (lowercase hex, no separators, no leading zero bytes) from Vault's
 * `3a:0f:…` / `3a-0f-…` and OpenSSL/Node's uppercase forms.
 */
export function toPlatformSerial(serial: string): string {
  return normalizeSerial(serial.replace(/[-\s]/g, ''));
}

/** Vault's colon form (`3a:0f:…`), which its revoke endpoint and cert/<serial> paths take. */
export function toVaultSerial(serial: string): string {
  return toPlatformSerial(serial).match(/../g)!.join(':');
}
