import type { z } from 'zod';
import type { sdwanEvents } from '@powernode/contracts';
import type { Projection } from '@powernode/eventstore';
import type { GrantStatus } from './access-grant.evolve.js';

export interface GrantRow extends Record<string, unknown> {
  id: string;
  network_id: string;
  peer_id: string;
  device_name: string;
  overlay_address: string;
  expires_at: string;
  status: GrantStatus;
  delivery: 'config' | 'bootstrap';
  /** Only the SHA-256 of a bootstrap token: the token itself is never stored. */
  token_sha256?: string;
  bootstrap_expires_at?: string;
  created_at: string;
}

export const grantsProjection: Projection<GrantRow> = {
  name: 'access_grants',
  version: 1,
  canHandle: ['system.sdwan.access_grant.created', 'system.sdwan.access_grant.redeemed', 'system.sdwan.access_grant.revoked', 'system.sdwan.access_grant.expired'],
  keyOf: (event) => String(event.data.grant_id),
  evolve: (row, event) => {
    switch (event.kind) {
      case 'system.sdwan.access_grant.created': {
        const d = event.data as z.infer<typeof sdwanEvents.accessGrantCreated>;
        return {
          id: d.grant_id,
          network_id: d.network_id,
          peer_id: d.peer_id,
          device_name: d.device_name,
          overlay_address: d.overlay_address,
          expires_at: d.expires_at,
          status: d.public_key === undefined ? 'pending' : 'active',
          delivery: d.delivery,
          ...(d.token_sha256 === undefined ? {} : { token_sha256: d.token_sha256 }),
          ...(d.bootstrap_expires_at === undefined ? {} : { bootstrap_expires_at: d.bootstrap_expires_at }),
          created_at: event.occurred_at,
        };
      }
      case 'system.sdwan.access_grant.redeemed':
        return row && { ...row, status: 'active' };
      case 'system.sdwan.access_grant.revoked':
        return row && { ...row, status: 'revoked' };
      case 'system.sdwan.access_grant.expired':
        return row && { ...row, status: 'expired' };
      default:
        return row;
    }
  },
};
