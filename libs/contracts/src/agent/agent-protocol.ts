import { z } from 'zod';

/**
 * The agent-facing protocol between powernode-agent and the handshake service (HTTPS).
 * Bodies are JSON; errors use the platform's `{ code, message, details }` shape.
 *
 *   GET  /agent/ca.pem        no client cert: the CA chain (issuing intermediate first, root last).
 *                             The agent pins it by the root's SHA-256 carried in its bootstrap token.
 *   POST /agent/enroll        no client cert: bootstrap token + CSR → agent-identity certificate.
 *   POST /agent/heartbeat     mTLS (agent-identity cert): facts in, desired state out (long-poll).
 *   POST /agent/renew         mTLS: a new CSR → a new agent-identity certificate.
 *   POST /runtime/handshake   mTLS: a container runtime's phase (docker: wants_cert → wants_config → ready).
 *
 * The server certificate carries the DNS name PLATFORM_SERVER_NAME; agents check that name (not the
 * IP they dialled), so one certificate serves every underlay address.
 */
export const PLATFORM_SERVER_NAME = 'powernode-handshake';

export const AGENT_PATHS = {
  caChain: '/agent/ca.pem',
  enroll: '/agent/enroll',
  heartbeat: '/agent/heartbeat',
  renew: '/agent/renew',
  runtimeHandshake: '/runtime/handshake',
} as const;

/**
 * Bootstrap token: `pnb1.<sha256 of the root CA certificate DER, 64 hex>.<secret, base64url>`.
 * Single use, expires after an hour, stored hashed (SHA-256 of the whole token).
 */
export const BOOTSTRAP_TOKEN = /^pnb1\.([0-9a-f]{64})\.([A-Za-z0-9_-]{32,128})$/;

export function caFingerprintOfBootstrapToken(token: string): string | undefined {
  return BOOTSTRAP_TOKEN.exec(token)?.[1];
}

export const agentFacts = z.object({
  agent_version: z.string().max(64),
  os: z.string().max(128),
  arch: z.string().max(32),
  hostname: z.string().max(253),
  /** Underlay addresses the agent can be reached on (no loopback). */
  underlay_endpoints: z.array(z.string().max(64)).max(32),
  /** Per-runtime state reported by reconcilers, e.g. `{ docker: { phase: 'ready' } }`. */
  runtimes: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});
export type AgentFacts = z.infer<typeof agentFacts>;

export const enrollRequest = z.object({
  bootstrap_token: z.string().regex(BOOTSTRAP_TOKEN, 'a pnb1 bootstrap token'),
  csr_pem: z.string().min(1).max(16 * 1024),
  facts: agentFacts,
});

export const enrollResponse = z.object({
  instance_id: z.string(),
  certificate_pem: z.string(),
  chain_pem: z.array(z.string()),
  heartbeat_interval_s: z.number().int().positive(),
});

export const desiredModule = z.object({
  module_id: z.string(),
  name: z.string(),
  version: z.string(),
  runtime: z.string(),
  config: z.record(z.string(), z.unknown()),
});

/** A WireGuard peer of an SDWAN interface: always on the same network, allowed exactly its own /128. */
export const desiredWireguardPeer = z.object({
  public_key: z.string(),
  allowed_ips: z.array(z.string()),
  endpoint: z.string().optional(),
  persistent_keepalive: z.number().int().min(0).max(65535).optional(),
});

/** One SDWAN interface per network the machine is attached to; the name is unique on the machine. */
export const desiredSdwanInterface = z.object({
  name: z.string(),
  network_id: z.string(),
  address: z.string(),
  listen_port: z.number().int().min(1).max(65535),
  peers: z.array(desiredWireguardPeer),
});

export const desiredSdwan = z.object({ interfaces: z.array(desiredSdwanInterface) });
export type DesiredSdwan = z.infer<typeof desiredSdwan>;
export type DesiredSdwanInterface = z.infer<typeof desiredSdwanInterface>;

/** A registry address dockerd may pull from: `IPv4:port` or `[IPv6]:port` (also its directory name under certs.d). */
export const REGISTRY_ADDR_PATTERN = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):\d{1,5}$/;

/** What the platform wants of the instance's Docker runtime besides its module. */
export const desiredDocker = z.object({
  /** Registries served with a platform-CA certificate: the agent makes dockerd trust the platform root for each. */
  registries: z.array(z.string().regex(REGISTRY_ADDR_PATTERN, 'an IP:port, e.g. 198.18.0.1:5000')),
});
export type DesiredDocker = z.infer<typeof desiredDocker>;

/** What the platform wants this instance to run; `version` changes whenever any of it changes. */
export const desiredState = z.object({
  instance_id: z.string(),
  version: z.string(),
  modules: z.array(desiredModule),
  /** The machine's WireGuard interfaces (absent: none). */
  sdwan: desiredSdwan.optional(),
  /** Absent (an older handshake): no platform registries. */
  docker: desiredDocker.optional(),
});
export type DesiredState = z.infer<typeof desiredState>;

export const heartbeatRequest = z.object({
  instance_id: z.string(),
  /** The desired-state version the agent holds; the answer waits while it is still current. */
  desired_version: z.string().optional(),
  /** Longest the server may hold the request open (long-poll), seconds; at most 25. */
  wait_s: z.number().int().min(0).max(25).default(25),
  facts: agentFacts,
});

export const heartbeatResponse = z.object({
  desired: desiredState,
  changed: z.boolean(),
  heartbeat_interval_s: z.number().int().positive(),
});

export const renewRequest = z.object({ csr_pem: z.string().min(1).max(16 * 1024) });
export const renewResponse = z.object({ certificate_pem: z.string(), chain_pem: z.array(z.string()) });

/**
 * One phase of a runtime handshake. Stateless on the wire: the platform answers from the host's state, so every
 * phase is idempotent and an agent that crashed repeats the phase it was in. `runtime` and `phase` are plain
 * strings here so an unknown one is a typed 422 (UnsupportedRuntime), not a schema error.
 *   installing       (progress?)  the agent is installing the runtime
 *   waiting_overlay               the instance's overlay /128 is not on its interface yet
 *   wants_cert       csr_pem      a CSR for the daemon's Ed25519 key → server certificate + chain
 *   wants_config     tls_dir      the daemon configuration (with the TLS files under tls_dir) + its hash
 *   ready            version      the daemon runs; the platform checks it (TLS /_ping) before recording it
 *   stopped, failed  error?       the runtime was stopped / a phase failed on the agent (failed: error required)
 * The host is the one of the instance the client certificate names; the body names none. Refusals record nothing:
 *   400 InvalidInput (a field the phase needs), InvalidCsr, UnsupportedKey (the daemon key must be Ed25519);
 *   403 PermissionDenied (docker is not assigned to this instance); 410 InstanceDecommissioned;
 *   409 IllegalState (no overlay /128 yet, or a phase before its predecessor: wants_cert before wants_config
 *   before ready); 422 UnsupportedRuntime (another runtime, or an unknown phase).
 * Retryable, recorded once as handshake.failed { retrying: true } while they last:
 *   503 CaUnavailable at wants_cert (the host stays there); 409 DaemonUnreachable at ready (the platform's own
 *   TLS /_ping over the overlay failed; details.reason says why).
 */
export const runtimeHandshakeRequest = z.object({
  runtime: z.string().min(1).max(32),
  phase: z.string().min(1).max(32),
  csr_pem: z.string().min(1).max(16 * 1024).optional(),
  version: z.string().min(1).max(64).optional(),
  error: z.string().min(1).max(2048).optional(),
  progress: z.string().min(1).max(256).optional(),
  tls_dir: z.string().regex(/^\/[A-Za-z0-9._\/-]{0,510}$/, 'an absolute path').optional(),
});
export type RuntimeHandshakeRequest = z.infer<typeof runtimeHandshakeRequest>;

/** File names under `tls_dir` the daemon configuration points at. */
export const DOCKER_TLS_FILES = { ca: 'ca.pem', cert: 'server-cert.pem', key: 'server-key.pem' } as const;

export const runtimeHandshakeResponse = z.object({
  host_id: z.string(),
  status: z.string(),
  /** What the agent should do next; `done` once the host is provisioned (or stopped); after `failed`, start over at `wants_cert`. */
  next: z.enum(['wants_cert', 'wants_config', 'ready', 'done']),
  /** wants_cert: the daemon's server certificate (leaf) and the chain (intermediate first, root last). */
  certificate: z.object({ cert_pem: z.string(), chain_pem: z.array(z.string()), serial: z.string(), not_after: z.string() }).optional(),
  /** wants_config: daemon.json content and its SHA-256 (hex, over canonical JSON). */
  daemon_config: z.object({ config: z.record(z.string(), z.unknown()), hash: z.string() }).optional(),
  api_endpoint: z.string().optional(),
});
export type RuntimeHandshakeResponse = z.infer<typeof runtimeHandshakeResponse>;
