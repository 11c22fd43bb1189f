import type { EventEnvelope } from '@powernode/contracts';

export type GrantStatus = 'pending' | 'active' | 'revoked' | 'expired';

export interface AccessGrantState {
  exists: boolean;
  status: GrantStatus;
  networkId: string;
  peerId: string;
  expiresAt: string;
  delivery: 'config' | 'bootstrap';
  tokenSha256?: string;
  bootstrapExpiresAt?: string;
  redeemed: boolean;
}

export const initialAccessGrantState = (): AccessGrantState => ({
  exists: false,
  status: 'pending',
  networkId: '',
  peerId: '',
  expiresAt: '',
  delivery: 'config',
  redeemed: false,
});

export function evolveAccessGrant(state: AccessGrantState, event: EventEnvelope): AccessGrantState {
  const d = event.data as Record<string, string>;
  switch (event.kind) {
    case 'system.sdwan.access_grant.created':
      return {
        ...state,
        exists: true,
        // A bootstrap grant has no device key until its URL is fetched.
        status: d.public_key === undefined ? 'pending' : 'active',
        networkId: d.network_id!,
        peerId: d.peer_id!,
        expiresAt: d.expires_at!,
        delivery: d.delivery as 'config' | 'bootstrap',
        ...(d.token_sha256 === undefined ? {} : { tokenSha256: d.token_sha256 }),
        ...(d.bootstrap_expires_at === undefined ? {} : { bootstrapExpiresAt: d.bootstrap_expires_at }),
      };
    case 'system.sdwan.access_grant.redeemed':
      return { ...state, status: 'active', redeemed: true };
    case 'system.sdwan.access_grant.revoked':
      return { ...state, status: 'revoked' };
    case 'system.sdwan.access_grant.expired':
      return { ...state, status: 'expired' };
    default:
      return state;
  }
}
