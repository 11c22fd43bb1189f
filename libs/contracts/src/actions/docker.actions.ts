import { z } from 'zod';
import { DOCKER_HOST_STATUSES, hostId } from '../events/docker.events.js';
import { defineAction, type ActionDef } from './action.js';
import { managedDockerHost } from './handshake.actions.js';

// The docker_* actions (DESIGN §7): the platform drives each managed dockerd over the overlay with its own
// short-lived client certificate. Inputs accept the tutorial's shapes and the original's (`image` + `tag`,
// raw `params`); `host_id` may be omitted when exactly one host is connected.

/** A daemon request may take DOCKER_REQUEST_TIMEOUT_MS (30 s by default): callers wait a little longer. */
const DAEMON_CALL_MS = 45_000;
/** The longest grace a stop or restart may give a container. */
const MAX_STOP_S = 600;
/** A pull may take 10 minutes (and fails after 90 s without progress). */
const PULL_MS = 11 * 60_000;

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/** A docker-proxy row: answered by the docker-proxy, whose callers wait as long as a daemon call may take. */
function proxyAction<I extends ObjectSchema, O extends ObjectSchema>(def: Omit<ActionDef<I, O>, 'service'>): ActionDef<I, O> {
  return defineAction({ timeoutMs: DAEMON_CALL_MS, ...def, service: 'docker-proxy' });
}

const optionalHost = z.object({
  host_id: hostId.optional().describe('host-<uuid>; may be omitted when exactly one host is connected'),
});

/** A container id (full or a unique prefix of at least 4 hex digits) or its name. */
export const containerRef = z
  .string()
  .regex(/^\/?[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'a container id or name')
  .describe('container id (or a unique prefix) or name');

/** docker's own rule for names. */
const containerName = z.string().regex(/^\/?[A-Za-z0-9][A-Za-z0-9_.-]{1,127}$/, 'two or more letters, digits, _ . - (docker container name)');

/** `repo[:tag]` or `repo@sha256:…`, as `docker pull` takes it (registry host and port included). */
export const imageReference = z
  .string()
  .min(1)
  .max(512)
  .regex(
    /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/,
    'an image reference (repository[:tag] or repository@sha256:<digest>)',
  );
const imageTag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'an image tag');

const portNumber = z.number().int().min(1).max(65535);
export const portMapping = z.object({
  host: portNumber.describe('port on the host overlay /128'),
  container: portNumber,
  protocol: z.enum(['tcp', 'udp', 'sctp']).default('tcp'),
});

export const dockerHost = z.object({
  id: z.string(),
  node_instance_id: z.string(),
  api_endpoint: z.string().optional(),
  status: z.enum(DOCKER_HOST_STATUSES),
  version: z.string().optional(),
  overlay_address: z.string().optional(),
  /** Failed probes in a row (5 → error); 0 once a probe succeeds. */
  consecutive_failures: z.number().int(),
  last_checked_at: z.string().optional(),
  last_error: z.string().optional(),
});

export const containerPort = z.object({
  host_ip: z.string().optional(),
  host: z.number().int().optional(),
  container: z.number().int(),
  protocol: z.string(),
});

export const containerSummary = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  image_id: z.string().optional(),
  /** created, running, paused, restarting, exited, dead. */
  state: z.string(),
  /** docker's own words, e.g. `Up 30 seconds`, `Exited (0) 2 minutes ago`. */
  status: z.string(),
  created: z.string(),
  ports: z.array(containerPort),
  labels: z.record(z.string(), z.string()),
});

export const containerDetail = containerSummary.extend({
  cmd: z.array(z.string()),
  restart_policy: z.string(),
  started_at: z.string().optional(),
  finished_at: z.string().optional(),
  exit_code: z.number().int().optional(),
  /** Environment variable names only: values can be secrets. */
  env_keys: z.array(z.string()),
});

export const imageSummary = z.object({
  id: z.string(),
  repo_tags: z.array(z.string()),
  size: z.number(),
  created: z.string().optional(),
});

const hostSnapshot = z.object({
  host: dockerHost,
  containers: z.array(containerSummary),
  images: z.array(imageSummary),
  synced_at: z.string().optional(),
});

export const dockerListHosts = proxyAction({
  name: 'docker_list_hosts',
  description: 'Managed Docker hosts with their health: connected, disconnected, error (5 failed probes in a row) or maintenance.',
  permission: 'system.docker_read',
  mutating: false,
  input: z.object({ status: z.enum(DOCKER_HOST_STATUSES).optional() }),
  output: z.object({ hosts: z.array(dockerHost) }),
});

export const dockerGetHost = proxyAction({
  name: 'docker_get_host',
  description: 'One Docker host with the containers and images its last sync saw.',
  permission: 'system.docker_read',
  mutating: false,
  input: optionalHost,
  output: hostSnapshot,
});

export const dockerTestHost = proxyAction({
  name: 'docker_test_host',
  description: "Probe a host's daemon now (TLS /_ping and /info over the overlay) and record the health transition, if any.",
  permission: 'system.docker_read',
  mutating: false,
  input: optionalHost,
  output: z.object({
    host_id: z.string(),
    reachable: z.boolean(),
    status: z.enum(DOCKER_HOST_STATUSES),
    version: z.string().optional(),
    containers: z.number().int().optional(),
    images: z.number().int().optional(),
    latency_ms: z.number(),
    error: z.string().optional(),
  }),
});

export const dockerSyncHost = proxyAction({
  name: 'docker_sync_host',
  description: "Read a host's containers and images from its daemon now and keep them as the host's last-synced lists.",
  permission: 'system.docker_read',
  mutating: false,
  input: optionalHost,
  output: hostSnapshot,
});

export const dockerListContainers = proxyAction({
  name: 'docker_list_containers',
  description: 'Containers on a host, live from its daemon (all of them, stopped ones too, unless all is false).',
  permission: 'system.docker_read',
  mutating: false,
  input: optionalHost.extend({ all: z.boolean().default(true) }),
  output: z.object({ containers: z.array(containerSummary) }),
});

export const dockerGetContainer = proxyAction({
  name: 'docker_get_container',
  description: 'One container, live from its daemon.',
  permission: 'system.docker_read',
  mutating: false,
  input: optionalHost.extend({ container_id: containerRef }),
  output: z.object({ container: containerDetail }),
});

export const dockerCreateContainer = proxyAction({
  name: 'docker_create_container',
  description:
    "Create a container; published ports bind to the host's overlay /128 only. With detach: true it is started and returned running. Privileged settings and raw params need system.docker_privileged.",
  permission: 'system.docker_operate',
  mutating: true,
  input: optionalHost.extend({
    image: imageReference,
    tag: imageTag.optional().describe('the original shape: image + tag'),
    name: containerName.optional(),
    ports: z.array(portMapping).max(64).default([]),
    env: z.union([z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(32_768)), z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=/s).max(32_768))]).optional(),
    cmd: z.union([z.string().min(1).max(8192), z.array(z.string().max(8192)).max(256)]).optional(),
    labels: z.record(z.string().max(256), z.string().max(4096)).optional(),
    restart_policy: z.enum(['no', 'always', 'unless-stopped', 'on-failure']).optional(),
    detach: z.boolean().default(false),
    params: z.record(z.string(), z.unknown()).optional().describe('raw Docker Engine API create body fields (system.docker_privileged only)'),
  }),
  output: z.object({ container: containerDetail }),
});

const containerAction = (name: string, description: string) =>
  proxyAction({
    name,
    description,
    // stop and restart wait up to timeout_s for the container before the daemon kills it
    timeoutMs: DAEMON_CALL_MS + MAX_STOP_S * 1000,
    permission: 'system.docker_operate',
    mutating: true,
    input: optionalHost.extend({ container_id: containerRef, timeout_s: z.number().int().min(0).max(MAX_STOP_S).optional() }),
    output: z.object({ container: containerDetail }),
  });

export const dockerStartContainer = containerAction('docker_start_container', 'Start a container.');
export const dockerStopContainer = containerAction('docker_stop_container', 'Stop a container (SIGTERM, then SIGKILL after timeout_s, 10 by default).');
export const dockerRestartContainer = containerAction('docker_restart_container', 'Restart a container.');

export const dockerContainerLogs = proxyAction({
  name: 'docker_container_logs',
  description: "A container's recent output (stdout and stderr), oldest line first.",
  permission: 'system.docker_read',
  mutating: false,
  input: optionalHost.extend({
    container_id: containerRef,
    tail: z.number().int().min(1).max(10_000).default(100),
    since: z.union([z.iso.datetime({ offset: true }), z.number().int().min(0)]).optional().describe('ISO time or unix seconds'),
    timestamps: z.boolean().default(false),
  }),
  output: z.object({
    container_id: z.string(),
    lines: z.array(z.object({ stream: z.enum(['stdout', 'stderr']), text: z.string() })),
    /** True when the oldest lines were left out to keep the answer under 512 KiB (NATS carries at most 1 MiB). */
    truncated: z.boolean(),
  }),
});

export const dockerDeleteContainer = proxyAction({
  name: 'docker_delete_container',
  description: 'Delete a container (force: stop it first if it runs).',
  permission: 'system.docker_operate',
  mutating: true,
  input: optionalHost.extend({ container_id: containerRef, force: z.boolean().default(false) }),
  output: z.object({ container_id: z.string(), deleted: z.literal(true) }),
});

export const dockerListImages = proxyAction({
  name: 'docker_list_images',
  description: 'Images on a host, live from its daemon.',
  permission: 'system.docker_read',
  mutating: false,
  input: optionalHost,
  output: z.object({ images: z.array(imageSummary) }),
});

export const dockerPullImage = proxyAction({
  name: 'docker_pull_image',
  description: 'Pull an image onto a host (image: "repo:tag", or image + tag); progress goes to the event watch as system.docker.image.pull_progress.',
  timeoutMs: PULL_MS,
  permission: 'system.docker_operate',
  mutating: true,
  input: optionalHost.extend({ image: imageReference, tag: imageTag.optional() }),
  output: z.object({ image: imageSummary }),
});

export const dockerDeleteImage = proxyAction({
  name: 'docker_delete_image',
  description: 'Delete an image from a host by id or repository tag.',
  permission: 'system.docker_operate',
  mutating: true,
  input: optionalHost.extend({ image_id: z.string().min(1).max(512), force: z.boolean().default(false) }),
  output: z.object({ deleted: z.array(z.string()), untagged: z.array(z.string()) }),
});

export const systemDecommissionDockerRuntime = defineAction({
  name: 'system_decommission_docker_runtime',
  description: "Stop a host's managed dockerd: the agent stops it and removes its certificates, the daemon certificate is revoked, the host leaves the list.",
  service: 'handshake',
  permission: 'system.docker_provision',
  mutating: true,
  input: z.object({ host_id: hostId }),
  output: z.object({ host: managedDockerHost, revoked_serial: z.string().optional() }),
});
