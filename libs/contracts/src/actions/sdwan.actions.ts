import { z } from 'zod';
import { catalogName, instanceId } from '../events/catalog.events.js';
import { PEER_ROLES, PEER_STATUSES, grantId, networkId, peerId, wireguardKey } from '../events/sdwan.events.js';
import { desiredSdwan } from '../agent/agent-protocol.js';
import { defineAction } from './action.js';

const network = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('the network /64'),
  owner: z.string(),
  hub_address: z.string(),
  created_at: z.string(),
});

const peer = z.object({
  id: z.string(),
  network_id: z.string(),
  node_instance_id: z.string().optional(),
  overlay_address: z.string().describe('the peer /128, without the prefix length'),
  role: z.enum(PEER_ROLES),
  status: z.enum(PEER_STATUSES),
  public_key: z.string().optional(),
  endpoint: z.string().optional(),
  latest_handshake_at: z.string().optional(),
  grant_id: z.string().optional(),
  device_name: z.string().optional(),
  attached_at: z.string(),
  detached_at: z.string().optional(),
});

const grant = z.object({
  id: z.string(),
  network_id: z.string(),
  device_name: z.string(),
  overlay_address: z.string(),
  expires_at: z.string(),
  status: z.enum(['active', 'pending', 'revoked', 'expired']).optional(),
});

const desired = desiredSdwan;

const ttl = z.string().regex(/^\d+[smhd]$/, 'a duration like "24h", "30m", "7d"');
const deviceNameHint = z.string().min(1).max(64);

export const systemSdwanCreateNetwork = defineAction({
  name: 'system_sdwan_create_network',
  description: 'Create an SDWAN network: a /64 of the installation /48 (or an explicit ULA /64), with the platform hub at ::1.',
  service: 'sdwan',
  permission: 'system.sdwan_admin',
  mutating: true,
  input: z.object({ name: catalogName, prefix: z.string().max(64).optional().describe('an explicit ULA /64, e.g. fd12:3456:789a:1::/64') }),
  output: z.object({ network }),
});

export const systemSdwanListNetworks = defineAction({
  name: 'system_sdwan_list_networks',
  description: 'SDWAN networks (an operator sees the networks of their account; admins see all).',
  service: 'sdwan',
  permission: 'system.platform_read',
  mutating: false,
  input: z.object({}),
  output: z.object({ networks: z.array(network) }),
});

export const systemSdwanListPeers = defineAction({
  name: 'system_sdwan_list_peers',
  description: "A network's peers with their overlay /128 and status.",
  service: 'sdwan',
  permission: 'system.platform_read',
  mutating: false,
  input: z.object({ network_id: networkId, include_detached: z.boolean().default(false) }),
  output: z.object({ peers: z.array(peer) }),
});

export const systemSdwanGetPeer = defineAction({
  name: 'system_sdwan_get_peer',
  description: 'One peer by id, or by network and node instance.',
  service: 'sdwan',
  permission: 'system.platform_read',
  mutating: false,
  input: z.object({ network_id: networkId, peer_id: peerId.optional(), node_instance_id: instanceId.optional() }),
  output: z.object({ peer }),
});

export const systemSdwanAttachPeer = defineAction({
  name: 'system_sdwan_attach_peer',
  description: 'Attach a NodeInstance to a network: allocates its overlay /128. Attaching twice returns the existing peer.',
  service: 'sdwan',
  permission: 'system.sdwan_admin',
  mutating: true,
  input: z.object({ network_id: networkId, node_instance_id: instanceId }),
  output: z.object({ peer, attached: z.boolean() }),
});

export const systemSdwanDetachPeer = defineAction({
  name: 'system_sdwan_detach_peer',
  description: 'Detach a peer (by id or node instance); its address is quarantined before reuse.',
  service: 'sdwan',
  permission: 'system.sdwan_admin',
  mutating: true,
  input: z.object({ network_id: networkId, peer_id: peerId.optional(), node_instance_id: instanceId.optional() }),
  output: z.object({ peer, detached: z.boolean() }),
});

export const systemSdwanCreateAccessGrant = defineAction({
  name: 'system_sdwan_create_access_grant',
  description:
    'Access for an operator device: allocates a device /128 and returns a wg-quick config exactly once (its private key is never stored).',
  service: 'sdwan',
  permission: 'system.sdwan_admin',
  mutating: true,
  input: z.object({ network_id: networkId, device_name_hint: deviceNameHint, ttl: ttl.default('24h').describe('at most 30d; default 24h') }),
  output: z.object({ grant, wireguard_config: z.string() }),
});

export const systemSdwanIssueUserDevice = defineAction({
  name: 'system_sdwan_issue_user_device',
  description: 'A one-time bootstrap URL (valid 15 min) that serves a device wg-quick config once as text/plain.',
  service: 'sdwan',
  permission: 'system.sdwan_admin',
  mutating: true,
  input: z.object({ network_id: networkId, device_name_hint: deviceNameHint, ttl: ttl.default('24h') }),
  output: z.object({ bootstrap_url: z.string(), expires_at: z.string(), grant }),
});

export const systemSdwanRevokeAccessGrant = defineAction({
  name: 'system_sdwan_revoke_access_grant',
  description: 'Revoke an access grant: the device drops off every peer list. Revoking twice is harmless.',
  service: 'sdwan',
  permission: 'system.sdwan_admin',
  mutating: true,
  input: z.object({ grant_id: grantId, reason: z.string().max(256).optional() }),
  output: z.object({ grant, revoked: z.boolean() }),
});

export const systemSdwanListAccessGrants = defineAction({
  name: 'system_sdwan_list_access_grants',
  description: 'Access grants, optionally of one network.',
  service: 'sdwan',
  permission: 'system.platform_read',
  mutating: false,
  input: z.object({ network_id: networkId.optional(), include_inactive: z.boolean().default(false) }),
  output: z.object({ grants: z.array(grant) }),
});

/** Internal: an agent's WireGuard facts (public key only, endpoint, handshakes), relayed by the handshake service. */
export const sdwanReportNodeWireguard = defineAction({
  name: 'sdwan_report_node_wireguard',
  description: "A node agent's WireGuard public key, endpoint and latest handshakes; platform services only.",
  service: 'sdwan',
  permission: 'system.sdwan_admin',
  mutating: true,
  internal: true,
  input: z.object({
    instance_id: instanceId,
    network_id: networkId.optional(),
    public_key: z.string().max(256),
    endpoint: z.string().max(300).optional(),
    latest_handshakes: z.record(z.string(), z.number().int().nonnegative()).optional(),
  }),
  output: z.object({ peers: z.array(peer) }),
});

/** Internal: the platform hub agent (`--role platform`) reports its public key and endpoint. */
export const sdwanReportHubWireguard = defineAction({
  name: 'sdwan_report_hub_wireguard',
  description: "The platform hub's WireGuard public key and endpoint; platform services only.",
  service: 'sdwan',
  permission: 'system.sdwan_admin',
  mutating: true,
  internal: true,
  input: z.object({ public_key: wireguardKey, endpoint: z.string().min(3).max(300).optional(), latest_handshakes: z.record(z.string(), z.number().int().nonnegative()).optional() }),
  output: z.object({ recorded: z.boolean() }),
});

export const sdwanDesiredForInstance = defineAction({
  name: 'sdwan_desired_for_instance',
  description: "An instance's WireGuard interfaces and peers (same network only); platform services only.",
  service: 'sdwan',
  permission: 'system.platform_read',
  mutating: false,
  internal: true,
  input: z.object({ instance_id: instanceId }),
  output: desired,
});

export const sdwanDesiredForHub = defineAction({
  name: 'sdwan_desired_for_hub',
  description: "The platform hub's WireGuard interfaces: one per network with every peer of it; platform services only.",
  service: 'sdwan',
  permission: 'system.platform_read',
  mutating: false,
  internal: true,
  input: z.object({}),
  output: desired,
});

export const sdwanInstancesWithoutPeer = defineAction({
  name: 'sdwan_instances_without_peer',
  description: 'Which of the given instances have no attached SDWAN peer on any network; platform services only.',
  service: 'sdwan',
  permission: 'system.platform_read',
  mutating: false,
  internal: true,
  input: z.object({ instance_ids: z.array(instanceId).max(10_000) }),
  output: z.object({ instance_ids: z.array(z.string()) }),
});
