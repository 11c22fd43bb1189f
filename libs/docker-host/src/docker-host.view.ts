import type { handshakeActions } from '@powernode/contracts';
import type { z } from 'zod';
import { isAssigned, type DockerHostState } from './docker-host.evolve.js';

export type ManagedDockerHost = z.output<typeof handshakeActions.managedDockerHost>;

/** A host as operators see it (system_list_managed_docker_hosts, system_provision_docker_runtime). */
export function managedDockerHostOf(state: DockerHostState): ManagedDockerHost {
  const { lastError, certificate } = state;
  return {
    id: state.hostId,
    node_instance_id: state.instanceId,
    ...(state.apiEndpoint === null ? {} : { api_endpoint: state.apiEndpoint }),
    status: state.status,
    ...(state.version === null ? {} : { version: state.version }),
    phase: state.decommissioned ? 'decommissioned' : state.phase,
    ...(lastError === null ? {} : { last_error: { phase: lastError.phase, reason: lastError.reason, ...(lastError.code === undefined ? {} : { code: lastError.code }), at: lastError.at } }),
    assigned: isAssigned(state),
    ...(certificate === null ? {} : { certificate: { serial: certificate.serial, not_after: certificate.notAfter } }),
    ...(state.provisionedAt === null ? {} : { provisioned_at: state.provisionedAt }),
    updated_at: state.updatedAt ?? '',
  };
}
