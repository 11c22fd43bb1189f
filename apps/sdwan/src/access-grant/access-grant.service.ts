import { createHash, randomBytes } from 'node:crypto';
import { PlatformError } from '@powernode/contracts';
import { handleCommand, type CommandMeta } from '@powernode/eventstore';
import type { CallerRef } from '@powernode/service-kit';
import { PERSISTENT_KEEPALIVE, type WgPeer } from '../desired/desired-state.js';
import { renderWgQuick, wireguardKeyPair } from '../desired/wg-quick.js';
import type { NetworkService } from '../network/network.service.js';
import type { PeerState } from '../network/network.evolve.js';
import { selectDocs } from '@powernode/service-runtime';
import type { SdwanRuntime } from '../runtime.js';
import type { AccessGrantCommand } from './access-grant.commands.js';
import { GONE } from './access-grant.decide.js';
import { accessGrantDecider, accessGrantRef } from './access-grant.decider.js';
import { grantsProjection, type GrantRow } from './grants.projection.js';
import { deviceNameFrom, parseTtl } from './ttl.js';

export interface GrantView {
  id: string;
  network_id: string;
  device_name: string;
  overlay_address: string;
  expires_at: string;
  status: GrantRow['status'];
}

function view(row: GrantRow): GrantView {
  return { id: row.id, network_id: row.network_id, device_name: row.device_name, overlay_address: row.overlay_address, expires_at: row.expires_at, status: row.status };
}

function nowOf(meta: CommandMeta): Date {
  return meta.now?.() ?? new Date();
}

export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The hub and nodes of a network that a device can configure: those with a public key. */
function devicePeers(peers: Iterable<PeerState>): WgPeer[] {
  return [...peers]
    .filter((p) => p.role !== 'device' && p.publicKey !== undefined)
    .sort((a, b) => (a.role === b.role ? a.address.localeCompare(b.address) : a.role === 'hub' ? -1 : 1))
    .map((p) => ({ public_key: p.publicKey!, allowed_ips: [`${p.address}/128`], ...(p.endpoint === undefined ? {} : { endpoint: p.endpoint }), persistent_keepalive: PERSISTENT_KEEPALIVE }));
}

/**
 * Access grants for operator devices. The device key pair is the one documented exception to "keys
 * are made where they are used": the platform makes it, returns the private key once and keeps only
 * the public key.
 */
export class AccessGrantService {
  constructor(
    private readonly runtime: SdwanRuntime,
    private readonly networks: NetworkService,
  ) {}

  async create(input: { network_id: string; device_name_hint: string; ttl: string }, caller: CallerRef, meta: CommandMeta): Promise<{ grant: GrantView; wireguard_config: string }> {
    const ttlSeconds = parseTtl(input.ttl, this.runtime.config.SDWAN_GRANT_MAX_TTL_S);
    await this.networks.network(input.network_id, caller);
    const keys = wireguardKeyPair();
    const grantId = `grant-${randomBytes(8).toString('hex')}`;
    const deviceName = deviceNameFrom(input.device_name_hint);
    const { peer, state } = await this.networks.attach(input.network_id, { role: 'device', grantId, deviceName, publicKey: keys.publicKey }, caller, meta);
    const expiresAt = new Date(nowOf(meta).getTime() + ttlSeconds * 1000).toISOString();
    const row = await this.execute(grantId, {
      type: 'CreateGrant',
      data: { grantId, networkId: input.network_id, peerId: peer.id, deviceName, overlayAddress: peer.overlay_address, expiresAt, delivery: 'config', publicKey: keys.publicKey },
    }, meta);
    const wireguard_config = renderWgQuick({ address: peer.overlay_address, privateKey: keys.privateKey, comment: `powernode access grant ${grantId} (${deviceName}), expires ${expiresAt}` }, devicePeers(state.peers.values()));
    return { grant: view(row), wireguard_config };
  }

  /** A one-time URL: only the token's SHA-256 is stored, and the key pair is made at first fetch. */
  async issueUserDevice(input: { network_id: string; device_name_hint: string; ttl: string }, caller: CallerRef, meta: CommandMeta): Promise<{ bootstrap_url: string; expires_at: string; grant: GrantView }> {
    const ttlSeconds = parseTtl(input.ttl, this.runtime.config.SDWAN_GRANT_MAX_TTL_S);
    await this.networks.network(input.network_id, caller);
    const token = randomBytes(32).toString('base64url');
    const grantId = `grant-${randomBytes(8).toString('hex')}`;
    const deviceName = deviceNameFrom(input.device_name_hint);
    const { peer } = await this.networks.attach(input.network_id, { role: 'device', grantId, deviceName }, caller, meta);
    const now = nowOf(meta).getTime();
    const bootstrapExpiresAt = new Date(now + this.runtime.config.SDWAN_BOOTSTRAP_TTL_S * 1000).toISOString();
    const row = await this.execute(grantId, {
      type: 'CreateGrant',
      data: {
        grantId,
        networkId: input.network_id,
        peerId: peer.id,
        deviceName,
        overlayAddress: peer.overlay_address,
        expiresAt: new Date(now + ttlSeconds * 1000).toISOString(),
        delivery: 'bootstrap',
        tokenSha256: tokenSha256(token),
        bootstrapExpiresAt,
      },
    }, meta);
    return { bootstrap_url: `${this.publicUrl()}/sdwan/device/${token}`, expires_at: bootstrapExpiresAt, grant: view(row) };
  }

  /** The bootstrap URL's fetch: the config once; `gone` afterwards, or when expired or revoked; undefined when unknown. */
  async redeem(token: string, meta: CommandMeta): Promise<{ config: string } | 'gone' | undefined> {
    const [row] = await selectDocs(this.runtime, grantsProjection, `doc->>'token_sha256' = $1`, [tokenSha256(token)]);
    if (!row) return undefined;
    const keys = wireguardKeyPair();
    try {
      await this.execute(row.id, { type: 'RedeemGrant', data: { publicKey: keys.publicKey, now: nowOf(meta).toISOString() } }, meta);
    } catch (error) {
      if (error instanceof PlatformError && error.details?.reason === GONE) return 'gone';
      throw error;
    }
    await this.networks.reportKey(row.network_id, row.peer_id, keys.publicKey, meta);
    const peers = await this.networks.networkPeers([row.network_id]);
    const states: PeerState[] = (peers[0]?.peers ?? []).map((p) => ({
      peerId: p.id,
      role: p.role,
      address: p.overlay_address,
      ...(p.public_key === undefined ? {} : { publicKey: p.public_key }),
      ...(p.endpoint === undefined ? {} : { endpoint: p.endpoint }),
    }));
    const config = renderWgQuick({ address: row.overlay_address, privateKey: keys.privateKey, comment: `powernode access grant ${row.id} (${row.device_name}), expires ${row.expires_at}` }, devicePeers(states));
    return { config };
  }

  async revoke(grantId: string, reason: string | undefined, caller: CallerRef, meta: CommandMeta): Promise<{ grant: GrantView; revoked: boolean }> {
    const current = await this.get(grantId);
    await this.networks.network(current.network_id, caller);
    const result = await handleCommand(this.runtime.store, accessGrantRef(grantId), accessGrantDecider(grantId), { type: 'RevokeGrant', data: reason === undefined ? {} : { reason } }, meta);
    await this.runtime.projections.grants.waitFor(result.position);
    // The device leaves every peer list: its peer is detached (and its address quarantined).
    await this.networks.detach(current.network_id, { peer_id: current.peer_id }, undefined, meta, 'access grant revoked');
    return { grant: view(await this.get(grantId)), revoked: result.events.length > 0 };
  }

  async list(filters: { network_id?: string; include_inactive: boolean }, caller: CallerRef): Promise<GrantView[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (filters.network_id !== undefined) {
      await this.networks.network(filters.network_id, caller);
      params.push(filters.network_id);
      conditions.push(`doc->>'network_id' = $${params.length}`);
    }
    if (!filters.include_inactive) conditions.push(`doc->>'status' IN ('active', 'pending')`);
    const rows = await selectDocs(this.runtime, grantsProjection, conditions.join(' AND '), params, `doc->>'created_at', key`);
    const visible = await this.networks.list(caller);
    const ids = new Set(visible.map((n) => n.id));
    return rows.filter((r) => ids.has(r.network_id)).map(view);
  }

  /** Appends `access_grant.expired` for every grant past its TTL (or an unredeemed bootstrap URL past its own) and detaches its device. */
  async sweepExpired(now: Date = new Date()): Promise<string[]> {
    const at = now.toISOString();
    const rows = await selectDocs(
      this.runtime,
      grantsProjection,
      `(doc->>'status' IN ('active', 'pending') AND doc->>'expires_at' <= $1) OR (doc->>'status' = 'pending' AND doc->>'bootstrap_expires_at' <= $1)`,
      [at],
    );
    const meta: CommandMeta = { actor: 'system:sdwan-grant-sweeper', now: () => now };
    const expired: string[] = [];
    for (const row of rows) {
      const result = await handleCommand(this.runtime.store, accessGrantRef(row.id), accessGrantDecider(row.id), { type: 'ExpireGrant', data: { now: at } }, meta);
      await this.runtime.projections.grants.waitFor(result.position);
      await this.networks.detach(row.network_id, { peer_id: row.peer_id }, undefined, meta, 'access grant expired').catch(() => undefined);
      if (result.events.length) expired.push(row.id);
    }
    return expired;
  }

  async get(grantId: string): Promise<GrantRow> {
    const [row] = await selectDocs(this.runtime, grantsProjection, 'key = $1', [grantId]);
    if (!row) throw new PlatformError('NotFound', `no access grant ${grantId}`, { grant_id: grantId });
    return row;
  }

  private publicUrl(): string {
    const { SDWAN_PUBLIC_URL, SDWAN_HTTP_HOST, SDWAN_HTTP_PORT } = this.runtime.config;
    if (SDWAN_PUBLIC_URL) return SDWAN_PUBLIC_URL.replace(/\/$/, '');
    const host = SDWAN_HTTP_HOST.includes(':') ? `[${SDWAN_HTTP_HOST}]` : SDWAN_HTTP_HOST;
    return `http://${host}:${this.boundPort ?? SDWAN_HTTP_PORT}`;
  }

  /** The HTTP endpoint's actual port (port 0 in tests). */
  boundPort?: number;

  private async execute(grantId: string, command: AccessGrantCommand, meta: CommandMeta): Promise<GrantRow> {
    const result = await handleCommand(this.runtime.store, accessGrantRef(grantId), accessGrantDecider(grantId), command, meta);
    await this.runtime.projections.grants.waitFor(result.position);
    return this.get(grantId);
  }
}
