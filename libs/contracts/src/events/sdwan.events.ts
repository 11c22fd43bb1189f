import { z } from 'zod';
import type { EventKindVersion } from '../event-registry.js';
import { instanceId } from './catalog.events.js';

export const PEER_ROLES = ['node', 'hub', 'device'] as const;
export type PeerRole = (typeof PEER_ROLES)[number];

export const PEER_STATUSES = ['pending', 'active', 'degraded', 'disconnected'] as const;
export type PeerStatus = (typeof PEER_STATUSES)[number];

export const networkId = z.string().regex(/^net-[0-9a-f]{8}$/, 'a network id (net-<8 hex>)');
export const peerId = z.string().regex(/^peer-[0-9a-f]{8,32}$|^hub$/, 'a peer id (peer-<hex> or hub)');
export const grantId = z.string().regex(/^grant-[0-9a-f]{8,32}$/, 'an access grant id (grant-<hex>)');
/** A WireGuard key: 32 bytes, standard base64 (44 characters ending in `=`). */
export const wireguardKey = z
  .string()
  .regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, 'a WireGuard key: 32 bytes, base64');
const ipv6 = z.string().min(2).max(45);
const endpoint = z.string().min(3).max(300);

export const installationPrefixDecided = z.object({ prefix: z.string().regex(/^fd[0-9a-f]{2}(:[0-9a-f]{1,4}){2}::\/48$/, 'a ULA /48') });
export const subnetAllocated = z.object({ network_id: networkId, prefix: z.string().max(64) });
export const hubReported = z.object({ public_key: wireguardKey, endpoint: endpoint.optional() });

export const networkCreated = z.object({
  network_id: networkId,
  name: z.string().min(1).max(64),
  prefix: z.string().max(64),
  owner: z.string().min(1).max(128),
});

export const peerAttached = z.object({
  network_id: networkId,
  peer_id: peerId,
  role: z.enum(PEER_ROLES),
  overlay_address: ipv6,
  node_instance_id: instanceId.optional(),
  grant_id: grantId.optional(),
  device_name: z.string().max(64).optional(),
  public_key: wireguardKey.optional(),
});

export const peerDetached = z.object({
  network_id: networkId,
  peer_id: peerId,
  overlay_address: ipv6,
  quarantined_until: z.iso.datetime(),
  reason: z.string().max(256).optional(),
});

export const peerKeyReported = z.object({ network_id: networkId, peer_id: peerId, public_key: wireguardKey });

export const peerEndpointUpdated = z.object({
  network_id: networkId,
  peer_id: peerId,
  endpoint: endpoint.optional(),
  latest_handshake_at: z.iso.datetime().optional(),
});

export const accessGrantCreated = z.object({
  grant_id: grantId,
  network_id: networkId,
  peer_id: peerId,
  device_name: z.string().min(1).max(64),
  overlay_address: ipv6,
  expires_at: z.iso.datetime(),
  /** `config`: the config was returned once at creation; `bootstrap`: a one-time URL serves it. */
  delivery: z.enum(['config', 'bootstrap']),
  public_key: wireguardKey.optional(),
  /** SHA-256 (hex) of the bootstrap URL's token; the token itself is never stored. */
  token_sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  bootstrap_expires_at: z.iso.datetime().optional(),
});

export const accessGrantRedeemed = z.object({ grant_id: grantId, public_key: wireguardKey });
export const accessGrantRevoked = z.object({ grant_id: grantId, reason: z.string().max(256).optional() });
export const accessGrantExpired = z.object({ grant_id: grantId });

export const SDWAN_EVENTS: EventKindVersion[] = [
  { kind: 'system.sdwan.installation.prefix_decided', version: 1, schema: installationPrefixDecided },
  { kind: 'system.sdwan.installation.subnet_allocated', version: 1, schema: subnetAllocated },
  { kind: 'system.sdwan.installation.hub_reported', version: 1, schema: hubReported },
  { kind: 'system.sdwan.network.created', version: 1, schema: networkCreated },
  { kind: 'system.sdwan.peer.attached', version: 1, schema: peerAttached },
  { kind: 'system.sdwan.peer.detached', version: 1, schema: peerDetached },
  { kind: 'system.sdwan.peer.key_reported', version: 1, schema: peerKeyReported },
  { kind: 'system.sdwan.peer.endpoint_updated', version: 1, schema: peerEndpointUpdated },
  { kind: 'system.sdwan.access_grant.created', version: 1, schema: accessGrantCreated },
  { kind: 'system.sdwan.access_grant.redeemed', version: 1, schema: accessGrantRedeemed },
  { kind: 'system.sdwan.access_grant.revoked', version: 1, schema: accessGrantRevoked },
  { kind: 'system.sdwan.access_grant.expired', version: 1, schema: accessGrantExpired },
];
