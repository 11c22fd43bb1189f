import { agentProtocol } from '@powernode/contracts';

export type DesiredSdwan = agentProtocol.DesiredSdwan;
export type DesiredSdwanInterface = agentProtocol.DesiredSdwanInterface;

/**
 * The SDWAN part of a desired state; no `sdwan` means no interfaces. Validated again here (it crossed a process
 * boundary, and the heartbeat parser is not the only way a desired state reaches a reconciler); throws on a bad one.
 */
export function readDesiredSdwan(desired: object): DesiredSdwan {
  const raw = (desired as { sdwan?: unknown }).sdwan;
  return raw === undefined || raw === null ? { interfaces: [] } : agentProtocol.desiredSdwan.parse(raw);
}
