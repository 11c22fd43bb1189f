// Types for scripts/services.mjs (imported by scripts/compose-sync.unit.spec.ts).

export interface EnvSpec {
  default: string | undefined;
  perDeployment?: boolean;
  description: string;
}

export interface ServiceDef {
  name: string;
  entry: string;
  /** Command-line arguments after the entry. */
  args?: string[];
  /** Runs only as root (npm start skips it otherwise). */
  needsRoot?: boolean;
  /** At most one process per machine (the hub: one WireGuard peer): one scripts/replicas.mjs worker, never more. */
  singleton?: boolean;
  env: string[];
}

export declare const PLATFORM_ENV: Record<string, EnvSpec>;
export declare const SERVICES: ServiceDef[];
export declare const ENV_DEFAULTS: Record<string, string>;
export declare function defaultFor(service: ServiceDef, name: string): string | undefined;
export declare function serviceEnv(service: ServiceDef, env?: NodeJS.ProcessEnv): Record<string, string>;
export declare function parseReplicas(specs: Array<string | undefined>, services?: ServiceDef[]): Record<string, number>;
export declare function replicasVariable(service: ServiceDef): string;
