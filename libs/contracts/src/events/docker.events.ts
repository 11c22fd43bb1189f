import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { EventKindVersion } from '../event-registry.js';
import { instanceId, moduleId, moduleName, moduleVersion, templateId } from './catalog.events.js';

/** DockerHost status (DESIGN §7): health probes move it between the last four once it is provisioned. */
export const DOCKER_HOST_STATUSES = ['pending', 'connected', 'disconnected', 'error', 'maintenance'] as const;
export type DockerHostStatus = (typeof DOCKER_HOST_STATUSES)[number];

/** The runtime handshake's phases, in the order an agent walks them (`stopped`, `failed` end it). */
export const DOCKER_PHASES = ['installing', 'waiting_overlay', 'wants_cert', 'wants_config', 'ready', 'stopped', 'failed'] as const;
export type DockerPhase = (typeof DOCKER_PHASES)[number];

export const hostId = z.string().regex(/^host-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a docker host id (host-<uuid>)');

/**
 * One DockerHost per instance, so its id is derived from the instance id: whoever appends first (the
 * assignment policy or the agent's first handshake) writes to the same aggregate, and its events stay in order.
 * A name-based UUID (SHA-256, version 8 layout), not a random one.
 */
export function dockerHostIdOf(instance: string): string {
  const hex = createHash('sha256').update(`powernode/docker-host/${instance}`).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `host-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const reason = z.string().min(1).max(2048);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
/** `tcp://[<overlay>]:2376`: the only address dockerd listens on (DESIGN §4). */
export const DOCKER_TLS_PORT = 2376;

export function dockerApiEndpoint(overlay: string): string {
  return `tcp://[${overlay}]:${DOCKER_TLS_PORT}`;
}

const apiEndpoint = z.string().regex(/^tcp:\/\/\[[0-9a-f:]+\]:\d+$/, 'tcp://[<overlay>]:<port>');

export const moduleAssigned = z.object({
  host_id: hostId,
  instance_id: instanceId,
  module_id: moduleId,
  module_name: moduleName,
  /** The module's version, so an instance's desired state needs no other aggregate (as template.module_assigned). */
  module_version: moduleVersion,
  /** Through the template (`template`) or straight to the instance (`instance`, system_provision_docker_runtime). */
  via: z.enum(['template', 'instance']),
  template_id: templateId.optional(),
});
/** `via` names the assignment path that ended: an instance may hold docker through its template and directly. */
export const moduleUnassigned = z.object({
  host_id: hostId,
  instance_id: instanceId,
  module_id: moduleId.optional(),
  via: z.enum(['template', 'instance']),
  reason: reason.optional(),
});
export const runtimeInstalling = z.object({ host_id: hostId, instance_id: instanceId, progress: z.string().max(256).optional() });
export const runtimeWaitingOverlay = z.object({ host_id: hostId, instance_id: instanceId });
export const handshakeWantsCert = z.object({
  host_id: hostId,
  instance_id: instanceId,
  overlay_address: z.string().max(45),
  api_endpoint: apiEndpoint,
  /** SHA-256 of the daemon key's SubjectPublicKeyInfo (DER): a repeat with the same key mints nothing new. */
  public_key_sha256: sha256,
});
export const handshakeCertSigned = z.object({ host_id: hostId, serial: z.string().max(64), not_after: z.iso.datetime(), public_key_sha256: sha256 });
export const handshakeWantsConfig = z.object({
  host_id: hostId,
  config_hash: sha256,
  /** Module overrides the platform refused because they would replace a security setting (hosts, tls*, ...). */
  refused_keys: z.array(z.string().max(128)).max(64).optional(),
});
export const handshakeReady = z.object({ host_id: hostId, version: z.string().min(1).max(64) });
export const handshakeFailed = z.object({
  host_id: hostId,
  phase: z.enum(DOCKER_PHASES),
  reason,
  /** A platform error code when the platform failed the phase (e.g. CaUnavailable); absent when the agent did. */
  code: z.string().max(64).optional(),
  /** True when the agent will retry by itself (the host stays at its phase). */
  retrying: z.boolean(),
});
export const provisioned = z.object({ host_id: hostId, instance_id: instanceId, api_endpoint: apiEndpoint, version: z.string().min(1).max(64) });
export const runtimeStopped = z.object({ host_id: hostId, instance_id: instanceId, reason: reason.optional() });
/** `by: operator` (system_decommission_docker_runtime) holds until an operator provisions it again or the template drops docker; absent: the instance went. */
export const runtimeDecommissioned = z.object({ host_id: hostId, instance_id: instanceId, by: z.enum(['instance', 'operator']).optional() });

/** Health transitions only (DESIGN §7): a probe that changes nothing records nothing. */
export const HEALTH_STATUSES = ['disconnected', 'error'] as const;
export const hostConnected = z.object({ host_id: hostId, instance_id: instanceId, version: z.string().min(1).max(64), previous_status: z.enum(DOCKER_HOST_STATUSES) });
export const hostUnreachable = z.object({
  host_id: hostId,
  instance_id: instanceId,
  /** `disconnected` on the first failed probe, `error` once `failures` reached the threshold. */
  status: z.enum(HEALTH_STATUSES),
  failures: z.number().int().min(1),
  reason,
});

const imageIdField = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'an image id (sha256:<hex>)');
const containerIdField = z.string().regex(/^[0-9a-f]{64}$/, 'a container id (64 hex)');
const imageReference = z.string().min(1).max(512);
export const publishedPort = z.object({
  host_ip: z.string().max(45),
  host: z.number().int().min(1).max(65535),
  container: z.number().int().min(1).max(65535),
  protocol: z.enum(['tcp', 'udp', 'sctp']),
});

/** The audit trail of what operators did on a host (the actor is on the envelope). */
export const imagePulled = z.object({ host_id: hostId, reference: imageReference, image_id: imageIdField, size: z.number().int().min(0) });
export const imagePullProgress = z.object({
  host_id: hostId,
  reference: imageReference,
  status: z.string().max(256),
  layers_done: z.number().int().min(0),
  layers_total: z.number().int().min(0),
  bytes_current: z.number().int().min(0).optional(),
  bytes_total: z.number().int().min(0).optional(),
});
export const imageDeleted = z.object({
  host_id: hostId,
  image: imageReference,
  deleted: z.array(z.string().max(128)).max(256),
  untagged: z.array(z.string().max(512)).max(256),
});
export const containerCreated = z.object({
  host_id: hostId,
  container_id: containerIdField,
  name: z.string().max(256),
  image: imageReference,
  ports: z.array(publishedPort).max(256),
  privileged_params: z.boolean(),
});
export const containerChanged = z.object({ host_id: hostId, container_id: containerIdField, name: z.string().max(256).optional() });

/** The tutorial's six kinds, in the order they appear for one instance (other kinds may come between them). */
export const DOCKER_ONBOARDING_KINDS = [
  'system.docker.module.assigned',
  'system.docker.runtime.installing',
  'system.docker.handshake.wants_cert',
  'system.docker.handshake.cert_signed',
  'system.docker.handshake.ready',
  'system.docker.provisioned',
] as const;

export const DOCKER_EVENTS: EventKindVersion[] = [
  { kind: 'system.docker.module.assigned', version: 1, schema: moduleAssigned },
  { kind: 'system.docker.module.unassigned', version: 1, schema: moduleUnassigned },
  { kind: 'system.docker.runtime.installing', version: 1, schema: runtimeInstalling },
  { kind: 'system.docker.runtime.waiting_overlay', version: 1, schema: runtimeWaitingOverlay },
  { kind: 'system.docker.handshake.wants_cert', version: 1, schema: handshakeWantsCert },
  { kind: 'system.docker.handshake.cert_signed', version: 1, schema: handshakeCertSigned },
  { kind: 'system.docker.handshake.wants_config', version: 1, schema: handshakeWantsConfig },
  { kind: 'system.docker.handshake.ready', version: 1, schema: handshakeReady },
  { kind: 'system.docker.handshake.failed', version: 1, schema: handshakeFailed },
  { kind: 'system.docker.provisioned', version: 1, schema: provisioned },
  { kind: 'system.docker.runtime.stopped', version: 1, schema: runtimeStopped },
  { kind: 'system.docker.runtime.decommissioned', version: 1, schema: runtimeDecommissioned },
  { kind: 'system.docker.host.connected', version: 1, schema: hostConnected },
  { kind: 'system.docker.host.unreachable', version: 1, schema: hostUnreachable },
  { kind: 'system.docker.image.pull_progress', version: 1, schema: imagePullProgress },
  { kind: 'system.docker.image.pulled', version: 1, schema: imagePulled },
  { kind: 'system.docker.image.deleted', version: 1, schema: imageDeleted },
  { kind: 'system.docker.container.created', version: 1, schema: containerCreated },
  { kind: 'system.docker.container.started', version: 1, schema: containerChanged },
  { kind: 'system.docker.container.stopped', version: 1, schema: containerChanged },
  { kind: 'system.docker.container.restarted', version: 1, schema: containerChanged },
  { kind: 'system.docker.container.deleted', version: 1, schema: containerChanged },
];
