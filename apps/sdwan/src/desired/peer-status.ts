import type { PeerStatus } from '@powernode/contracts';

/** WireGuard re-handshakes every 2 minutes on a live tunnel; beyond these ages the peer is degraded, then gone. */
export const ACTIVE_WITHIN_S = 180;
export const DEGRADED_WITHIN_S = 600;

/** A peer's status from what it reported: no key → pending; then the age of its latest handshake decides. */
export function peerStatus(peer: { public_key?: string; latest_handshake_at?: string }, now: Date): PeerStatus {
  if (peer.public_key === undefined) return 'pending';
  if (peer.latest_handshake_at === undefined) return 'pending';
  const age = (now.getTime() - Date.parse(peer.latest_handshake_at)) / 1000;
  if (age <= ACTIVE_WITHIN_S) return 'active';
  if (age <= DEGRADED_WITHIN_S) return 'degraded';
  return 'disconnected';
}
