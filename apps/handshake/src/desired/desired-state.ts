import { createHash } from 'node:crypto';
import { canonicalJson, type agentProtocol } from '@powernode/contracts';
import type { AssignedModuleRef } from './catalog-views.projection.js';

type DesiredModule = ReturnType<typeof agentProtocol.desiredModule.parse>;
export type DesiredState = agentProtocol.DesiredState;
export type DesiredSdwan = agentProtocol.DesiredSdwan;

/**
 * An instance's desired state: its template's modules with their published config, by name, and its SDWAN
 * interfaces as the sdwan service computed them. `version` hashes only that content, so events that change
 * nothing an agent runs do not change it (and wake no agent).
 */
export function composeDesiredState(
  instanceId: string,
  assigned: readonly AssignedModuleRef[],
  configs: ReadonlyMap<string, Record<string, unknown>>,
  sdwan: DesiredSdwan,
): DesiredState {
  const modules: DesiredModule[] = [...assigned]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.module_id < b.module_id ? -1 : 1))
    .map((m) => ({ module_id: m.module_id, name: m.name, version: m.version, runtime: m.runtime, config: configs.get(m.module_id) ?? {} }));
  // Without interfaces the hash is the modules' alone, as before SDWAN was part of it: instances that are on
  // no network keep their version across the upgrade, so a deploy does not wake every agent at once.
  const content = sdwan.interfaces.length ? { modules, sdwan } : modules;
  const version = createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 32);
  return { instance_id: instanceId, version, modules, sdwan };
}

/** The networks a desired state has an interface on: an event on one of them may change it. */
export function networkIdsOf(desired: DesiredState): string[] {
  return [...new Set((desired.sdwan?.interfaces ?? []).map((i) => i.network_id))];
}
