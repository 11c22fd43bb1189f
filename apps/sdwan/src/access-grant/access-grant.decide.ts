import { PlatformError } from '@powernode/contracts';
import type { NewEvent } from '@powernode/eventstore';
import type { AccessGrantCommand } from './access-grant.commands.js';
import type { AccessGrantState } from './access-grant.evolve.js';

/** Thrown when a bootstrap URL was used, revoked or expired: the HTTP endpoint answers 410. */
export const GONE = 'gone';

function gone(grantId: string, why: string): never {
  throw new PlatformError('IllegalState', `the bootstrap URL of grant ${grantId} is ${why}`, { grant_id: grantId, reason: GONE });
}

/** Access grant decisions: a grant is created once, a bootstrap URL redeems once, revoke and expiry are final. */
export function decideAccessGrant(grantId: string) {
  return (command: AccessGrantCommand, state: AccessGrantState): NewEvent[] => {
    if (command.type !== 'CreateGrant' && !state.exists) throw new PlatformError('NotFound', `no access grant ${grantId}`, { grant_id: grantId });
    const final = state.status === 'revoked' || state.status === 'expired';
    switch (command.type) {
      case 'CreateGrant': {
        if (state.exists) throw new PlatformError('Conflict', `access grant ${grantId} exists`, { grant_id: grantId });
        const g = command.data;
        return [
          {
            kind: 'system.sdwan.access_grant.created',
            data: {
              grant_id: grantId,
              network_id: g.networkId,
              peer_id: g.peerId,
              device_name: g.deviceName,
              overlay_address: g.overlayAddress,
              expires_at: g.expiresAt,
              delivery: g.delivery,
              ...(g.publicKey === undefined ? {} : { public_key: g.publicKey }),
              ...(g.tokenSha256 === undefined ? {} : { token_sha256: g.tokenSha256 }),
              ...(g.bootstrapExpiresAt === undefined ? {} : { bootstrap_expires_at: g.bootstrapExpiresAt }),
            },
          },
        ];
      }
      case 'RedeemGrant': {
        if (state.delivery !== 'bootstrap' || state.redeemed) gone(grantId, 'used');
        if (final) gone(grantId, state.status);
        if (state.bootstrapExpiresAt !== undefined && command.data.now >= state.bootstrapExpiresAt) gone(grantId, 'expired');
        return [{ kind: 'system.sdwan.access_grant.redeemed', data: { grant_id: grantId, public_key: command.data.publicKey } }];
      }
      case 'RevokeGrant':
        if (final) return [];
        return [{ kind: 'system.sdwan.access_grant.revoked', data: { grant_id: grantId, ...(command.data.reason === undefined ? {} : { reason: command.data.reason }) } }];
      case 'ExpireGrant': {
        if (final) return [];
        // An unredeemed bootstrap grant is over when its URL expires; any grant when its TTL ends.
        const unredeemedPast = state.status === 'pending' && state.bootstrapExpiresAt !== undefined && command.data.now >= state.bootstrapExpiresAt;
        if (command.data.now < state.expiresAt && !unredeemedPast) return [];
        return [{ kind: 'system.sdwan.access_grant.expired', data: { grant_id: grantId } }];
      }
      default: {
        const unreachable: never = command;
        throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
      }
    }
  };
}
