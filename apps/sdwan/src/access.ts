import { PlatformError } from '@powernode/contracts';
import type { CallerRef } from '@powernode/service-kit';

/** Admins and platform services act on any network; other operators only on their account's. */
export function checkOwner(caller: CallerRef | undefined, network: { id: string; owner: string }): void {
  if (caller === undefined || caller.roles.includes('admin') || caller.roles.includes('service')) return;
  if (network.owner !== caller.account_id) {
    throw new PlatformError('PermissionDenied', `network ${network.id} belongs to another account`, { network_id: network.id });
  }
}

export function seesAll(caller: CallerRef | undefined): boolean {
  return caller === undefined || caller.roles.includes('admin') || caller.roles.includes('service');
}
