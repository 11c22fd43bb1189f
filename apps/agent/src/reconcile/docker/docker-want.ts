import { createHash } from 'node:crypto';
import { canonicalJson, type agentProtocol } from '@powernode/contracts';

/** What the desired state asks of Docker on this instance, reduced to what the reconciler acts on. */
export interface DockerWant {
  module: { id: string; name: string; version: string; config: Record<string, unknown> };
  /** The overlay address the daemon binds (bare, no prefix length); undefined while the instance has no interface. */
  overlay: string | undefined;
  /** One assignment of the runtime to this instance: `installing` is reported once per assignment. */
  assignment: string;
  /** Changes whenever the platform's daemon configuration may change (the module's config): fetch it again. */
  configKey: string;
  /** Registries (`host:port`) dockerd must trust the platform root for; not in the key: no restart needed. */
  registries: string[];
}

export const DOCKER_RUNTIME = 'docker';

/** The desired state's first docker module (modules arrive sorted by name), or undefined when there is none. */
export function dockerWantOf(desired: agentProtocol.DesiredState): DockerWant | undefined {
  const module = desired.modules.find((m) => m.runtime === DOCKER_RUNTIME);
  if (module === undefined) return undefined;
  const address = desired.sdwan?.interfaces[0]?.address;
  const overlay = address === undefined ? undefined : address.replace(/\/\d+$/, '').toLowerCase();
  return {
    module: { id: module.module_id, name: module.name, version: module.version, config: module.config },
    overlay,
    assignment: digest({ module_id: module.module_id, overlay: overlay ?? null }),
    configKey: digest(module.config),
    registries: desired.docker?.registries ?? [],
  };
}

/** The key that decides whether the worker must start over: a new assignment or new configuration. */
export function wantKey(want: DockerWant | undefined): string {
  return want === undefined ? 'none' : `${want.assignment}/${want.configKey}`;
}

function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);
}

