import { createHash } from 'node:crypto';

/** A DNS label: what the CA's DNS SAN check accepts (letters, digits, inner dashes, at most 63). */
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The daemon's DNS name, `<instance-id>.<domain>`. Instance ids may hold `_`, upper case, or run past 63
 * characters (the catalog's are `inst-<8 hex>`, but the contract allows more); those get a stable hashed label
 * instead, never a name two instances could share.
 */
export function daemonHostName(instanceId: string, domain: string): string {
  const label = LABEL.test(instanceId) ? instanceId : `inst-${createHash('sha256').update(instanceId).digest('hex').slice(0, 32)}`;
  return `${label}.${domain}`;
}
