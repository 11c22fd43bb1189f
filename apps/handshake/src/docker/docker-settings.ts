/**
 * Docker runtime settings of the handshake service. Constants, not environment variables: scripts/services.mjs
 * and docker-compose.yml list exactly the variables each service validates, and these need no per-deployment
 * value yet.
 */
export const DOCKER_SETTINGS = {
  /** How long the platform waits for a daemon's TLS /_ping (and /version) over the overlay before calling it unreachable. */
  probeTimeoutMs: 5_000,
  /** How often the assignment policy compares its view of the catalog with the hosts, so a missed reaction heals. */
  policySweepMs: 60_000,
  /** Daemon server certificates carry the DNS name `<instance-id>.<this domain>` beside the overlay IP. */
  hostDomain: 'nodes.powernode',
} as const;
