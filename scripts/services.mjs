// The platform's services and the environment they read: one list for `npm start` (scripts/start.mjs),
// docker-compose.yml and the README. scripts/compose-sync.unit.spec.ts fails when compose drifts from it.
// Plain ESM with no imports: start.mjs loads it before node_modules may exist.

/**
 * Every environment variable a platform service reads.
 * `default` is what the code assumes when the variable is unset (undefined = optional, no default).
 * `perDeployment` marks addresses and paths that legitimately differ between a laptop and compose;
 * every other variable must have the same value everywhere.
 */
export const PLATFORM_ENV = {
  NATS_URL: {
    default: 'nats://127.0.0.1:4222',
    perDeployment: true,
    description: 'NATS server (JetStream enabled) for events and request/reply.',
  },
  DATABASE_URL: {
    default: 'postgres://postgres@127.0.0.1:5432/powernode',
    perDeployment: true,
    description: 'PostgreSQL for read models and checkpoints. `npm start` creates the database if missing.',
  },
  DATABASE_SCHEMA: {
    default: undefined,
    description: "PostgreSQL schema holding the service's tables and its migrations table; defaults to the service's name (one per service).",
  },
  EVENT_STREAM: {
    default: 'POWERNODE_EVENTS',
    description: 'JetStream stream holding every event.',
  },
  EVENT_SUBJECT_PREFIX: {
    default: 'system',
    description: 'Event subjects are `<prefix>.<context>.<aggregate>.<id>`; the stream captures `<prefix>.>`.',
  },
  EVENT_STREAM_REPLICAS: {
    default: '1',
    description: 'Replicas of the event stream (3 on a NATS cluster).',
  },
  RPC_SUBJECT_PREFIX: {
    default: 'powernode.rpc',
    description: 'Subject prefix for command/query request-reply, one subject per action.',
  },
  GATEWAY_HTTP_HOST: {
    default: '127.0.0.1',
    perDeployment: true,
    description: 'Address the gateway HTTP API (and MCP) listens on.',
  },
  GATEWAY_HTTP_PORT: {
    default: '8080',
    description: 'Port of the gateway HTTP API.',
  },
  GATEWAY_GRPC_ADDR: {
    default: '127.0.0.1:50051',
    perDeployment: true,
    description: 'host:port the gateway gRPC server listens on.',
  },
  POWERNODE_STATE_DIR: {
    default: '.powernode',
    perDeployment: true,
    description: 'Local state directory (relative to the working directory); the gateway writes `operator-token` here.',
  },
  LOG_LEVEL: {
    default: 'info',
    description: 'pino level: fatal, error, warn, info, debug, trace, silent.',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    default: undefined,
    perDeployment: true,
    description: 'OTLP/HTTP endpoint for traces; tracing export is off when unset.',
  },
  INSTANCE_PROVIDER: {
    default: 'local',
    perDeployment: true,
    description: '`local`: each NodeInstance is a network namespace on this machine with its own powernode-agent (needs root); `none`: instances are only recorded.',
  },
  INSTANCE_NAME_PREFIX: {
    default: 'pn',
    description: "Prefix of the local provider's namespaces and veths (`<prefix>-<short id>`).",
  },
  AGENT_ENTRY: {
    default: 'dist/apps/agent/src/main.js',
    description: 'The built powernode-agent the local provider starts in each instance.',
  },
  AGENT_PLATFORM_PORT: {
    default: '8443',
    description: 'Port of the agent-facing gateway that agents dial on their underlay host address (HANDSHAKE_PORT).',
  },
  INSTANCE_UNDERLAY_IPV6_PREFIX: {
    default: 'fd5e:7e57::/48',
    description: 'IPv6 underlay range of local instances: one /64 each (host side ::1, instance ::2).',
  },
  INSTANCE_UNDERLAY_IPV4_PREFIX: {
    default: '198.18.0.0/15',
    description: 'IPv4 underlay range of local instances: one /30 each (RFC 2544 benchmark space by default).',
  },
  INSTANCE_RECONCILE_INTERVAL_S: {
    default: '15',
    description: 'How often the catalog re-checks that every instance has its machine and a live agent (it also reacts to events at once).',
  },
  PLATFORM_SERVICE_TOKEN: {
    default: undefined,
    perDeployment: true,
    description: 'Shared secret platform services present on internal actions (e.g. ca_sign); at least 32 characters. `npm start` generates one per run.',
  },
  POWERNODE_CA_MODE: {
    default: 'local',
    description: 'CA adapter: `local` (embedded root + intermediate, persisted in PostgreSQL) or `vault` (Vault PKI over HTTP).',
  },
  CA_HTTP_HOST: {
    default: '127.0.0.1',
    perDeployment: true,
    description: 'Address of the CA service\'s public HTTP endpoint (`/crl.pem`, `/crl.der`, `/chain.pem`).',
  },
  CA_HTTP_PORT: {
    default: '8089',
    description: 'Port of the CA service\'s public HTTP endpoint.',
  },
  CA_KEK: {
    default: undefined,
    perDeployment: true,
    description: 'base64 of 32 bytes: encrypts the local CA\'s private keys at rest. Unset: `<POWERNODE_STATE_DIR>/ca-kek` (0600), created on first start. Set it when replicas run on several machines.',
  },
  CA_FIXTURE_DIR: {
    default: undefined,
    perDeployment: true,
    description: 'Directory with `root.pem`, `intermediate.pem`, `intermediate.key`: use that CA (fixture PEM for dev) instead of generating one.',
  },
  VAULT_ADDR: { default: undefined, perDeployment: true, description: 'Vault address, with POWERNODE_CA_MODE=vault.' },
  VAULT_TOKEN: { default: undefined, perDeployment: true, description: 'Vault token (or use VAULT_ROLE_ID + VAULT_SECRET_ID for AppRole).' },
  VAULT_ROLE_ID: { default: undefined, perDeployment: true, description: 'AppRole role id.' },
  VAULT_SECRET_ID: { default: undefined, perDeployment: true, description: 'AppRole secret id.' },
  VAULT_PKI_MOUNT: { default: 'pki_int', description: 'Vault PKI mount that signs.' },
  VAULT_PKI_ROLE: { default: 'node', description: 'Vault PKI role used for signing.' },
  VAULT_NAMESPACE: { default: undefined, perDeployment: true, description: 'Vault Enterprise namespace (X-Vault-Namespace).' },
  VAULT_PKI_PROFILE_ROLES: {
    default: undefined,
    perDeployment: true,
    description: 'A Vault role per certificate profile, `profile=role,...` (each role fixes its EKUs; e.g. `docker-daemon-server=server,operator-client=client`). Unmapped profiles use VAULT_PKI_ROLE.',
  },
  HANDSHAKE_HOST: {
    default: '::',
    perDeployment: true,
    description: 'Address the agent-facing HTTPS server (handshake) listens on; `::` covers loopback and the underlay.',
  },
  HANDSHAKE_PORT: {
    default: '8443',
    description: 'Port of the agent-facing HTTPS server (enrol, heartbeat, renew).',
  },
  HEARTBEAT_INTERVAL_S: {
    default: '10',
    description: 'Seconds between agent heartbeats; an instance is offline after twice this without one.',
  },
  AGENT_MAX_CONCURRENT: {
    default: '64',
    description: 'Agent requests (enrol, a heartbeat\'s read, renew, the runtime handshake) the handshake serves at once; the others wait their turn.',
  },
  AGENT_MAX_WAIT_MS: {
    default: '5000',
    description: 'How long an agent request waits for its turn before it is refused with 503 Unavailable, which agents retry with backoff.',
  },
  BOOTSTRAP_TOKEN_TTL_S: {
    default: '3600',
    description: 'Lifetime of a bootstrap token (single use), seconds.',
  },
  DOCKER_DAEMON_CERT_TTL_S: {
    default: undefined,
    perDeployment: true,
    description: "Lifetime asked for docker daemon server certificates (seconds); unset: the CA profile's default, 30 days. Agents renew at two thirds of it.",
  },
  SDWAN_HTTP_HOST: {
    default: '127.0.0.1',
    perDeployment: true,
    description: "Address of the sdwan service's HTTP endpoint serving one-time device bootstrap URLs (`/sdwan/device/<token>`).",
  },
  SDWAN_HTTP_PORT: {
    default: '8091',
    description: "Port of the sdwan service's bootstrap endpoint.",
  },
  SDWAN_PUBLIC_URL: {
    default: undefined,
    perDeployment: true,
    description: 'Base of the bootstrap URLs handed to operators; defaults to `http://<SDWAN_HTTP_HOST>:<SDWAN_HTTP_PORT>`.',
  },
  SDWAN_ADDRESS_QUARANTINE_S: {
    default: '86400',
    description: 'Seconds a detached overlay address is not reused.',
  },
  SDWAN_GRANT_MAX_TTL_S: {
    default: '2592000',
    description: 'The longest access grant TTL an operator may ask for (30 days).',
  },
  SDWAN_BOOTSTRAP_TTL_S: {
    default: '900',
    description: 'Lifetime of a one-time device bootstrap URL (15 minutes).',
  },
  SDWAN_GRANT_SWEEP_INTERVAL_S: {
    default: '30',
    description: 'How often expired access grants are swept (`access_grant.expired`).',
  },
  POWERNODE_HUB_ENDPOINT: {
    default: undefined,
    perDeployment: true,
    description: "`host:port` nodes dial the platform's WireGuard hub at (its first network's listen port; each later network counts up). Unset: nodes learn it from the hub's own keepalives. `npm start` sets the local provider's gateway address (INSTANCE_UNDERLAY_IPV4_PREFIX + 1) with port 51820.",
  },
  POWERNODE_HUB_INTERVAL_S: {
    default: '10',
    description: 'Seconds between hub rounds when no SDWAN event arrives (re-converge, report handshakes); events start a round at once.',
  },
  POWERNODE_AGENT_STATE_DIR: {
    default: '/var/lib/powernode-agent',
    perDeployment: true,
    description: "powernode-agent's state directory (identity, WireGuard key, desired state); `npm start` gives the hub `<POWERNODE_STATE_DIR>/hub`.",
  },
  DOCKER_PROBE_INTERVAL_S: {
    default: '10',
    description: "How often docker-proxy probes every connected (or failing) host's daemon (TLS /_ping + /info), seconds.",
  },
  DOCKER_PROBE_TIMEOUT_MS: {
    default: '5000',
    description: 'A daemon probe that takes longer failed (milliseconds).',
  },
  DOCKER_ERROR_AFTER: {
    default: '5',
    description: 'Failed probes in a row after which a DockerHost is `error` (the first failure makes it `disconnected`).',
  },
  DOCKER_REQUEST_TIMEOUT_MS: {
    default: '30000',
    description: 'Deadline of one daemon request (list, create, start, ...) in milliseconds; pulls get their own, longer one.',
  },
  PLATFORM_REGISTRY_ADDR: {
    default: undefined,
    perDeployment: true,
    description: "`IP:port` the platform image registry (run by docker-proxy, TLS from the platform CA) serves on, reachable from instances; the handshake tells docker hosts to trust it. Unset: no registry. `npm start` as root sets the local provider's gateway address (INSTANCE_UNDERLAY_IPV4_PREFIX + 1) with port 5000.",
  },
  PLATFORM_REGISTRY_DIR: {
    default: '.powernode/registry',
    perDeployment: true,
    description: "The platform registry's configuration, TLS files and image storage (kept across restarts); `npm start` uses `<POWERNODE_STATE_DIR>/registry`.",
  },
  OTEL_SERVICE_NAME: {
    default: undefined,
    perDeployment: true,
    description: 'Service name reported in traces (the gateway defaults to powernode-gateway).',
  },
};

/** Variables every service reads (libs/service-kit baseServiceEnv). */
const BASE_ENV = [
  'NATS_URL',
  'DATABASE_URL',
  'EVENT_STREAM',
  'EVENT_SUBJECT_PREFIX',
  'EVENT_STREAM_REPLICAS',
  'RPC_SUBJECT_PREFIX',
  'LOG_LEVEL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SERVICE_NAME',
  'PLATFORM_SERVICE_TOKEN',
  'DATABASE_SCHEMA',
];

/**
 * The platform services `npm start` supervises and docker-compose.yml runs, one container each; every one but a
 * `singleton` runs as N replicas (npm start: scripts/replicas.mjs workers; compose: `<NAME>_REPLICAS` containers).
 * `entry` is relative to the repo root after `npm run build` (`args` follow it); `env` lists every variable the service reads.
 */
export const SERVICES = [
  {
    name: 'gateway',
    entry: 'dist/apps/gateway/src/main.js',
    env: [...BASE_ENV, 'GATEWAY_HTTP_HOST', 'GATEWAY_HTTP_PORT', 'GATEWAY_GRPC_ADDR', 'POWERNODE_STATE_DIR'],
  },
  {
    name: 'ca',
    entry: 'dist/apps/ca/src/main.js',
    env: [
      ...BASE_ENV,
      'POWERNODE_CA_MODE',
      'CA_HTTP_HOST',
      'CA_HTTP_PORT',
      'CA_KEK',
      'CA_FIXTURE_DIR',
      'POWERNODE_STATE_DIR',
      'VAULT_ADDR',
      'VAULT_TOKEN',
      'VAULT_ROLE_ID',
      'VAULT_SECRET_ID',
      'VAULT_PKI_MOUNT',
      'VAULT_PKI_ROLE',
      'VAULT_NAMESPACE',
      'VAULT_PKI_PROFILE_ROLES',
    ],
  },
  {
    name: 'catalog',
    entry: 'dist/apps/catalog/src/main.js',
    env: [...BASE_ENV, 'INSTANCE_PROVIDER', 'INSTANCE_NAME_PREFIX', 'AGENT_ENTRY', 'AGENT_PLATFORM_PORT', 'INSTANCE_UNDERLAY_IPV6_PREFIX', 'INSTANCE_UNDERLAY_IPV4_PREFIX', 'INSTANCE_RECONCILE_INTERVAL_S', 'POWERNODE_STATE_DIR'],
  },
  {
    name: 'handshake',
    entry: 'dist/apps/handshake/src/main.js',
    env: [...BASE_ENV, 'HANDSHAKE_HOST', 'HANDSHAKE_PORT', 'HEARTBEAT_INTERVAL_S', 'AGENT_MAX_CONCURRENT', 'AGENT_MAX_WAIT_MS', 'BOOTSTRAP_TOKEN_TTL_S', 'DOCKER_DAEMON_CERT_TTL_S', 'PLATFORM_REGISTRY_ADDR'],
  },
  {
    name: 'sdwan',
    entry: 'dist/apps/sdwan/src/main.js',
    env: [
      ...BASE_ENV,
      'SDWAN_HTTP_HOST',
      'SDWAN_HTTP_PORT',
      'SDWAN_PUBLIC_URL',
      'SDWAN_ADDRESS_QUARANTINE_S',
      'SDWAN_GRANT_MAX_TTL_S',
      'SDWAN_BOOTSTRAP_TTL_S',
      'SDWAN_GRANT_SWEEP_INTERVAL_S',
    ],
  },
  {
    // DockerHost health probes, docker_* actions over mTLS, and the platform image registry (Debian's docker-registry
    // as a child process, with busybox-static for the seed image) when PLATFORM_REGISTRY_ADDR is set.
    name: 'docker-proxy',
    entry: 'dist/apps/docker-proxy/src/main.js',
    env: [
      ...BASE_ENV,
      'DOCKER_PROBE_INTERVAL_S',
      'DOCKER_PROBE_TIMEOUT_MS',
      'DOCKER_ERROR_AFTER',
      'DOCKER_REQUEST_TIMEOUT_MS',
      'PLATFORM_REGISTRY_ADDR',
      'PLATFORM_REGISTRY_DIR',
    ],
  },
  {
    // The platform's own WireGuard peer on every SDWAN network (powernode-agent --role platform): needs root
    // (or CAP_NET_ADMIN and /dev/net/tun) in the network namespace the services run in.
    name: 'hub',
    entry: 'dist/apps/agent/src/main.js',
    args: ['--role', 'platform'],
    needsRoot: true,
    // One WireGuard peer per machine (its interfaces and UDP ports): never more than one process.
    singleton: true,
    env: ['NATS_URL', 'RPC_SUBJECT_PREFIX', 'EVENT_SUBJECT_PREFIX', 'PLATFORM_SERVICE_TOKEN', 'POWERNODE_HUB_INTERVAL_S', 'POWERNODE_HUB_ENDPOINT', 'POWERNODE_AGENT_STATE_DIR'],
  },
];

/** The docker-compose variable holding a service's replica count: `docker-proxy` → `DOCKER_PROXY_REPLICAS`. */
export function replicasVariable(service) {
  return `${service.name.toUpperCase().replace(/-/g, '_')}_REPLICAS`;
}

/**
 * Replica counts per service from `name=N,...` specs (`POWERNODE_REPLICAS`, then `npm start -- --replicas`; later specs
 * win, and within one spec `all=N` applies before the named entries). Every service starts at 1; `all` skips singletons.
 * Throws an Error naming the problem for an unknown service, a count that is not a positive integer, or more than one
 * replica of a singleton.
 */
export function parseReplicas(specs, services = SERVICES) {
  const counts = Object.fromEntries(services.map((service) => [service.name, 1]));
  for (const spec of specs) {
    if (spec === undefined || spec.trim() === '') continue;
    const entries = spec.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
      const match = /^([^=\s]+)=(.*)$/.exec(part);
      if (!match) throw new Error(`replica count ${JSON.stringify(part)} is not name=N`);
      const [, name, value] = match;
      if (!/^[1-9][0-9]*$/.test(value)) throw new Error(`replica count for ${name} must be a positive integer, got ${JSON.stringify(value)}`);
      if (name !== 'all' && !(name in counts)) throw new Error(`unknown service ${JSON.stringify(name)} in replica counts (services: ${services.map((s) => s.name).join(', ')}, or all)`);
      const service = services.find((s) => s.name === name);
      if (service?.singleton && value !== '1') throw new Error(`${name} runs once per machine (one WireGuard peer); it cannot have ${value} replicas`);
      return [name, Number(value)];
    });
    for (const [name, count] of entries) {
      if (name === 'all') for (const service of services) if (!service.singleton) counts[service.name] = count;
    }
    for (const [name, count] of entries) if (name !== 'all') counts[name] = count;
  }
  return counts;
}

/** A variable's default for one service: DATABASE_SCHEMA is the service's own name (`-` → `_`), the rest are shared. */
export function defaultFor(service, name) {
  return name === 'DATABASE_SCHEMA' ? service.name.replace(/-/g, '_') : ENV_DEFAULTS[name];
}

/** Default value of every variable that has one, e.g. for a supervisor building a child environment. */
export const ENV_DEFAULTS = Object.fromEntries(
  Object.entries(PLATFORM_ENV)
    .filter(([, spec]) => spec.default !== undefined)
    .map(([name, spec]) => [name, spec.default]),
);

/** The environment for one service: the caller's values win, defaults fill the rest. */
export function serviceEnv(service, env = process.env) {
  const out = {};
  for (const name of service.env) {
    // Each service owns its schema: a DATABASE_SCHEMA in the caller's environment must not make two share one.
    const inherited = name === 'DATABASE_SCHEMA' ? undefined : env[name];
    const value = inherited !== undefined && inherited !== '' ? inherited : defaultFor(service, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
