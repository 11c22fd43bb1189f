import { createHash } from 'node:crypto';
import { canonicalJson, type agentProtocol } from '@powernode/contracts';
import type { AssignedModuleRef } from './catalog-views.projection.js';

type DesiredModule = ReturnType<typeof agentProtocol.desiredModule.parse>;
export type DesiredState = agentProtocol.DesiredState;
export type DesiredSdwan = agentProtocol.DesiredSdwan;
type DesiredDocker = agentProtocol.DesiredDocker;

/** The runtime of modules that make the instance a Docker host (the agent's docker reconciler acts on them). */
const DOCKER_RUNTIME = 'docker';

/**
 * An instance's desired state: its template's modules with their published config, by name, its SDWAN
 * interfaces as the sdwan service computed them, and the platform registries its dockerd must trust. `version`
 * hashes only that content, so events that change nothing an agent runs do not change it (and wake no agent).
 */
export function composeDesiredState(
  instanceId: string,
  assigned: readonly AssignedModuleRef[],
  configs: ReadonlyMap<string, Record<string, unknown>>,
  sdwan: DesiredSdwan,
  platformRegistries: readonly string[] = [],
): DesiredState {
  const modules: DesiredModule[] = [...assigned]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.module_id < b.module_id ? -1 : 1))
    .map((m) => ({ module_id: m.module_id, name: m.name, version: m.version, runtime: m.runtime, config: configs.get(m.module_id) ?? {} }));
  // Only a docker host pulls images: setting or moving the registry must not change (and wake) every other instance.
  const registries = modules.some((m) => m.runtime === DOCKER_RUNTIME) ? [...new Set(platformRegistries)].sort() : [];
  const docker: DesiredDocker = { registries };
  // Without interfaces and registries the hash is the modules' alone, as before SDWAN was part of it; each part
  // joins the hash only when it has content, so instances it does not concern keep their version across the
  // upgrade that introduced it, and a deploy does not wake every agent at once.
  const content =
    sdwan.interfaces.length || registries.length
      ? { modules, ...(sdwan.interfaces.length ? { sdwan } : {}), ...(registries.length ? { docker } : {}) }
      : modules;
  const version = createHash('sha256').update(canonicalJson(content)).digest('hex').slice(0, 32);
  return { instance_id: instanceId, version, modules, sdwan, docker };
}

/** The networks a desired state has an interface on: an event on one of them may change it. */
export function networkIdsOf(desired: DesiredState): string[] {
  return [...new Set((desired.sdwan?.interfaces ?? []).map((i) => i.network_id))];
}
