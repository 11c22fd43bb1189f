// Types for scripts/supervise.mjs (imported by scripts/supervise.unit.spec.ts).
import type { ServiceDef } from './services.mjs';

export declare function serviceCommand(service: ServiceDef, replicas: number, cwd: string): string;
export declare function superviseServices(
  services: ServiceDef[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv; replicas?: Record<string, number> },
): Promise<number>;
