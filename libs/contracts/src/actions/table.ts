import type { ActionDef } from './action.js';
import { identityCreateAccount, identityIssueToken, identityRevokeToken, identityWhoami } from './identity.actions.js';
import { platformProvisioningStatus, recentEvents, watchEvents } from './platform.actions.js';

/** The one table of operator actions. HTTP routes, gRPC methods and MCP tools are generated from it. */
export const ACTIONS: readonly ActionDef[] = [
  platformProvisioningStatus,
  recentEvents,
  watchEvents,
  identityCreateAccount,
  identityIssueToken,
  identityRevokeToken,
  identityWhoami,
];

const byName = new Map(ACTIONS.map((a) => [a.name, a]));

export function findAction(name: string): ActionDef | undefined {
  return byName.get(name);
}
