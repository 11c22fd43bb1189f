import { z } from 'zod';
import { agentProtocol } from '@powernode/contracts';
import { baseServiceEnv, loadConfig } from '@powernode/service-kit';

export const handshakeEnv = baseServiceEnv.extend({
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('handshake'),
  /** Agent-facing HTTPS: `::` serves every address (loopback and the underlay). */
  HANDSHAKE_HOST: z.string().default('::'),
  HANDSHAKE_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  /** Agents heartbeat at this interval; an instance is offline after twice it without one. */
  HEARTBEAT_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(10),
  /** Agent requests (enrol, a heartbeat's read, renew, the runtime handshake) served at once; more wait their turn. */
  AGENT_MAX_CONCURRENT: z.coerce.number().int().min(1).max(10_000).default(64),
  /** How long an agent request waits for its turn before it is refused with 503 Unavailable (the agent retries). */
  AGENT_MAX_WAIT_MS: z.coerce.number().int().min(1).max(60_000).default(5_000),
  BOOTSTRAP_TOKEN_TTL_S: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(3600),
  /** Lifetime asked for daemon server certificates; unset: the CA profile's default (30 days). Agents renew at 2/3. */
  DOCKER_DAEMON_CERT_TTL_S: z.coerce.number().int().min(60).max(90 * 24 * 3600).optional(),
  /** `host:port` of the platform image registry (the docker-proxy's PLATFORM_REGISTRY_ADDR); unset: no registry. Docker hosts trust the platform root for it. */
  PLATFORM_REGISTRY_ADDR: z.string().regex(agentProtocol.REGISTRY_ADDR_PATTERN, 'an IP:port, e.g. 198.18.0.1:5000').optional(),
});

export type HandshakeConfig = z.infer<typeof handshakeEnv>;

export function loadHandshakeConfig(env: NodeJS.ProcessEnv = process.env): HandshakeConfig {
  return loadConfig(handshakeEnv, env);
}
