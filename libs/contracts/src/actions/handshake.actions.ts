import { z } from 'zod';
import { instanceId } from '../events/catalog.events.js';
import { DOCKER_HOST_STATUSES } from '../events/docker.events.js';
import { defineAction } from './action.js';

/** Internal: a single-use bootstrap token for an instance's agent (older unused ones stop working). */
export const handshakeIssueBootstrapToken = defineAction({
  name: 'handshake_issue_bootstrap_token',
  description: "A bootstrap token (pnb1.<CA root SHA-256>.<secret>) for an instance's agent; platform services only.",
  service: 'handshake',
  permission: 'system.catalog_admin',
  mutating: true,
  internal: true,
  input: z.object({ instance_id: instanceId }),
  output: z.object({ token: z.string(), expires_at: z.string() }),
});

/** A DockerHost as the platform records it (tutorial shape: `{ id, node_instance_id, api_endpoint, status, version }`). */
export const managedDockerHost = z.object({
  id: z.string(),
  node_instance_id: z.string(),
  api_endpoint: z.string().optional(),
  status: z.enum(DOCKER_HOST_STATUSES),
  version: z.string().optional(),
  /** The handshake phase the host last reached (e.g. `wants_cert`), and why it is stuck or failed, if it is. */
  phase: z.string(),
  last_error: z.object({ phase: z.string(), reason: z.string(), code: z.string().optional(), at: z.string() }).optional(),
  assigned: z.boolean(),
  certificate: z.object({ serial: z.string(), not_after: z.string() }).optional(),
  provisioned_at: z.string().optional(),
  updated_at: z.string(),
});

export const systemProvisionDockerRuntime = defineAction({
  name: 'system_provision_docker_runtime',
  description:
    "Assign the docker runtime to one instance directly (not through its template): its agent installs Docker and walks the runtime handshake. Needs the instance's SDWAN peer (MissingSdwanPeerError otherwise).",
  service: 'handshake',
  permission: 'system.docker_provision',
  mutating: true,
  input: z.object({ node_instance_id: instanceId }),
  output: z.object({ host: managedDockerHost }),
});

export const systemListManagedDockerHosts = defineAction({
  name: 'system_list_managed_docker_hosts',
  description: 'DockerHosts the platform manages, with status, handshake phase and the last error (e.g. a stuck wants_cert).',
  service: 'handshake',
  permission: 'system.docker_read',
  mutating: false,
  input: z.object({ node_instance_id: instanceId.optional(), status: z.enum(DOCKER_HOST_STATUSES).optional() }),
  output: z.object({ hosts: z.array(managedDockerHost) }),
});
