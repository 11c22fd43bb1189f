import { z } from 'zod';
import { baseServiceEnv, loadConfig } from '@powernode/service-kit';

export const catalogEnv = baseServiceEnv.extend({
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('catalog'),
  /** `local`: each instance is a network namespace with its own agent on this machine (needs root). `none`: record only. */
  INSTANCE_PROVIDER: z.enum(['local', 'none']).default('local'),
  /** Prefix of the local provider's namespaces and veths (`<prefix>-<id>`); one per installation on a machine. */
  INSTANCE_NAME_PREFIX: z.string().regex(/^[a-z][a-z0-9]{1,7}$/).default('pn'),
  /** The built powernode-agent the local provider starts in each instance. */
  AGENT_ENTRY: z.string().default('dist/apps/agent/src/main.js'),
  /** Port of the agent-facing gateway (handshake) that agents dial on their underlay host address. */
  AGENT_PLATFORM_PORT: z.coerce.number().int().min(1).max(65535).default(8443),
  /** Underlay ranges of local instances: a /64 and a /30 per instance (ULA and RFC 2544 benchmark space by default). */
  INSTANCE_UNDERLAY_IPV6_PREFIX: z.string().default('fd5e:7e57::/48'),
  INSTANCE_UNDERLAY_IPV4_PREFIX: z.string().default('198.18.0.0/15'),
  INSTANCE_RECONCILE_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(15),
  POWERNODE_STATE_DIR: z.string().default('.powernode'),
});

export type CatalogConfig = z.infer<typeof catalogEnv>;

export function loadCatalogConfig(env: NodeJS.ProcessEnv = process.env): CatalogConfig {
  return loadConfig(catalogEnv, env);
}
