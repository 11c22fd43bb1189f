import { createHash } from 'node:crypto';
import { PlatformError } from '@powernode/contracts';

/** Linux interface names hold at most 15 characters (IFNAMSIZ - 1). */
export const MAX_IFNAME = 15;

const PREFIX = /^[a-z][a-z0-9]{1,7}$/;
const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Kernel object names for one instance. */
export interface InstanceNames {
  namespace: string;
  hostInterface: string;
  instanceInterface: string;
}

export function assertPrefix(prefix: string): void {
  if (!PREFIX.test(prefix)) {
    throw new PlatformError('InvalidInput', `namePrefix must match ${PREFIX.source} (it is part of 15-character interface names)`, { prefix });
  }
}

export function assertInstanceId(instanceId: string): void {
  if (!INSTANCE_ID.test(instanceId) || instanceId === '.' || instanceId === '..') {
    throw new PlatformError('InvalidInput', `instance id must match ${INSTANCE_ID.source}`, { instanceId });
  }
}

/**
 * The short id that names an instance's kernel objects: `inst-3f9a1c` → `3f9a1c` when it fits the
 * interface-name budget, else a hash of the whole id (collisions are caught by the state check).
 */
export function shortIdOf(prefix: string, instanceId: string): string {
  const budget = MAX_IFNAME - prefix.length - 1;
  const plain = instanceId.replace(/^inst-/, '').toLowerCase();
  if (/^[a-z0-9]+$/.test(plain) && plain.length <= budget) return plain;
  return createHash('sha256').update(instanceId).digest('hex').slice(0, Math.min(budget, 10));
}

export function namesFor(prefix: string, instanceId: string): InstanceNames {
  const short = shortIdOf(prefix, instanceId);
  return { namespace: `${prefix}-${short}`, hostInterface: `${prefix}h${short}`, instanceInterface: `${prefix}i${short}` };
}

/** The root-namespace link holding the host's gateway addresses: `<prefix>gw` (veths are `<prefix>h…`/`<prefix>i…`). */
export const gatewayNameOf = (prefix: string): string => `${prefix}gw`;

/** Escapes text for use inside a RegExp source. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
