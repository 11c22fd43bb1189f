import { z } from 'zod';
import { baseServiceEnv, loadConfig } from '@powernode/service-kit';

export const dockerProxyEnv = baseServiceEnv.extend({
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('docker_proxy'),
  /** Every connected (or failing) host's daemon is probed (TLS /_ping + /info) this often. */
  DOCKER_PROBE_INTERVAL_S: z.coerce.number().min(0.2).max(3600).default(10),
  /** A probe that takes longer failed. */
  DOCKER_PROBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Failed probes in a row after which a host is `error` (the first failure makes it `disconnected`). */
  DOCKER_ERROR_AFTER: z.coerce.number().int().min(1).max(100).default(5),
  /** Deadline of one daemon request (list, create, start, ...); pulls get their own, longer one. */
  DOCKER_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  /** `host:port` the platform image registry serves on (reachable from instances); unset: no registry. */
  PLATFORM_REGISTRY_ADDR: z
    .string()
    .regex(/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d{1,5}$/, 'an IP:port, e.g. 198.18.0.1:5000')
    .optional(),
  /** The registry's configuration, TLS files and image storage. */
  PLATFORM_REGISTRY_DIR: z.string().default('.powernode/registry'),
});

export type DockerProxyConfig = z.infer<typeof dockerProxyEnv>;

export function loadDockerProxyConfig(env: NodeJS.ProcessEnv = process.env): DockerProxyConfig {
  return loadConfig(dockerProxyEnv, env);
}
