import type { dockerActions } from '@powernode/contracts';
import { managedDockerHostOf, type DockerHostState } from '@powernode/docker-host';
import type { z } from 'zod';
import type { HealthRecord } from '../health/health-book.js';

export type DockerHostView = z.output<typeof dockerActions.dockerHost>;

/** A host as docker_list_hosts shows it: the tutorial's shape (as the handshake lists it) plus health. */
export function dockerHostViewOf(state: DockerHostState, health: HealthRecord | undefined): DockerHostView {
  const { id, node_instance_id, api_endpoint, status, version } = managedDockerHostOf(state);
  return {
    id,
    node_instance_id,
    ...(api_endpoint === undefined ? {} : { api_endpoint }),
    status,
    ...(version === undefined ? {} : { version }),
    ...(state.overlay === null ? {} : { overlay_address: state.overlay }),
    consecutive_failures: health?.failures ?? 0,
    ...(health?.checkedAt ? { last_checked_at: health.checkedAt } : {}),
    ...(health?.lastError ? { last_error: health.lastError } : {}),
  };
}
