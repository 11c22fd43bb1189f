import { randomBytes } from 'node:crypto';
import { PlatformError, type PeerStatus } from '@powernode/contracts';
import { handleCommand, type CommandMeta } from '@powernode/eventstore';
import type { CallerRef } from '@powernode/service-kit';
import { hubAddress, parseUlaPrefix64, peerAddressFrom } from '../address/address-plan.js';
import { checkOwner, seesAll } from '../access.js';
import { desiredForHub, desiredForInstance, hubBasePort, hubEndpointFor, type DesiredSdwan, type NetworkPeers } from '../desired/desired-state.js';
import { peerStatus } from '../desired/peer-status.js';
import { isWireguardKey } from '../desired/wg-quick.js';
import type { InstallationService } from '../installation/installation.service.js';
import { selectDocs } from '@powernode/service-runtime';
import type { SdwanRuntime } from '../runtime.js';
import type { NetworkCommand, NewPeer } from './network.commands.js';
import { networkDecider, networkRef } from './network.decider.js';
import type { NetworkState } from './network.evolve.js';
import { networksProjection, type NetworkRow } from './networks.projection.js';
import { peerKey, peersProjection, type PeerRow } from './peers.projection.js';

/**
 * Concurrent attaches on one network all append to its aggregate: each conflict reloads and decides
 * again, so 50 writers need up to 50 rounds. Addresses are random in the /64, so a retry collides on
 * the version, not on the address.
 */
export const ATTACH_MAX_ATTEMPTS = 200;

export type PeerView = PeerRow & { status: PeerStatus };

export interface ReportedWireguard {
  publicKey: string;
  endpoint?: string;
  /** Peer public key → epoch seconds of the latest handshake with it. */
  latestHandshakes?: Record<string, number>;
}

function nowOf(meta: CommandMeta): Date {
  return meta.now?.() ?? new Date();
}

/** Networks and their peers: allocation, key and endpoint reports, desired WireGuard state. */
export class NetworkService {
  constructor(
    private readonly runtime: SdwanRuntime,
    private readonly installation: InstallationService,
  ) {}

  async create(input: { name: string; prefix?: string }, caller: CallerRef, meta: CommandMeta): Promise<NetworkRow> {
    const explicit = input.prefix === undefined ? undefined : parseUlaPrefix64(input.prefix);
    const networkId = `net-${randomBytes(4).toString('hex')}`;
    const prefix = await this.installation.allocateSubnet(networkId, explicit, meta);
    const hub = (await this.installation.load()).hub;
    await this.execute(
      networkId,
      {
        type: 'CreateNetwork',
        data: { networkId, name: input.name, prefix, owner: caller.account_id, hubAddress: hubAddress(prefix), ...(hub ? { hubPublicKey: hub.publicKey } : {}) },
      },
      meta,
    );
    if (hub?.endpoint !== undefined) await this.spreadHubEndpoint(hub.endpoint, meta);
    return this.network(networkId);
  }

  async list(caller: CallerRef): Promise<NetworkRow[]> {
    const all = await selectDocs(this.runtime, networksProjection, '', [], `doc->>'created_at', key`);
    return seesAll(caller) ? all : all.filter((n) => n.owner === caller.account_id);
  }

  async network(networkId: string, caller?: CallerRef): Promise<NetworkRow> {
    const [row] = await selectDocs(this.runtime, networksProjection, 'key = $1', [networkId]);
    if (!row) throw new PlatformError('NotFound', `no network ${networkId}`, { network_id: networkId });
    checkOwner(caller, row);
    return row;
  }

  async listPeers(networkId: string, includeDetached: boolean, caller: CallerRef): Promise<PeerView[]> {
    await this.network(networkId, caller);
    const rows = await selectDocs(this.runtime, peersProjection, `doc->>'network_id' = $1${includeDetached ? '' : ` AND NOT doc ? 'detached_at'`}`, [networkId], `doc->>'attached_at', key`);
    return rows.map((r) => this.view(r));
  }

  async getPeer(networkId: string, selector: { peer_id?: string; node_instance_id?: string }, caller: CallerRef): Promise<PeerView> {
    await this.network(networkId, caller);
    return this.view(await this.findPeer(networkId, selector));
  }

  /** Attaches an instance (idempotently) or a device; returns the peer and whether it is new. */
  async attach(networkId: string, peer: Omit<NewPeer, 'peerId'>, caller: CallerRef | undefined, meta: CommandMeta): Promise<{ peer: PeerView; attached: boolean; state: NetworkState }> {
    await this.network(networkId, caller);
    const newPeer: NewPeer = { ...peer, peerId: `peer-${randomBytes(8).toString('hex')}` };
    for (let round = 0; ; round += 1) {
      const row = await this.network(networkId);
      const candidates = Array.from({ length: 8 }, () => peerAddressFrom(row.prefix, randomBytes(8)));
      try {
        const result = await this.execute(networkId, { type: 'AttachPeer', data: { peer: newPeer, candidates, now: nowOf(meta).toISOString() } }, meta, ATTACH_MAX_ATTEMPTS);
        const mine = [...result.state.peers.values()].find((p) =>
          newPeer.nodeInstanceId !== undefined ? p.nodeInstanceId === newPeer.nodeInstanceId : p.grantId === newPeer.grantId,
        )!;
        return { peer: this.view(await this.peerRow(networkId, mine.peerId)), attached: result.events.length > 0, state: result.state };
      } catch (error) {
        // Every candidate was taken (or quarantined): draw new ones.
        if (round >= 4 || !(error instanceof PlatformError && error.details?.reason === 'address_collision')) throw error;
      }
    }
  }

  async detach(networkId: string, selector: { peer_id?: string; node_instance_id?: string }, caller: CallerRef | undefined, meta: CommandMeta, reason?: string): Promise<{ peer: PeerView; detached: boolean }> {
    await this.network(networkId, caller);
    const peer = await this.findPeer(networkId, selector);
    const result = await this.execute(
      networkId,
      { type: 'DetachPeer', data: { peerId: peer.id, now: nowOf(meta).toISOString(), quarantineSeconds: this.runtime.config.SDWAN_ADDRESS_QUARANTINE_S, ...(reason === undefined ? {} : { reason }) } },
      meta,
      ATTACH_MAX_ATTEMPTS,
    );
    return { peer: this.view(await this.peerRow(networkId, peer.id)), detached: result.events.length > 0 };
  }

  /** Records a device's public key (an access grant redeemed through its bootstrap URL). */
  async reportKey(networkId: string, peerId: string, publicKey: string, meta: CommandMeta): Promise<void> {
    await this.execute(networkId, { type: 'ReportKey', data: { peerId, publicKey } }, meta, ATTACH_MAX_ATTEMPTS);
  }

  /** A node agent's report. A malformed key is refused before anything is recorded: the peer stays pending. */
  async reportNode(instanceId: string, networkId: string | undefined, report: ReportedWireguard, meta: CommandMeta): Promise<PeerView[]> {
    checkKey(report.publicKey);
    const peers = (await this.livePeersOf(instanceId)).filter((p) => networkId === undefined || p.network_id === networkId);
    if (networkId !== undefined && peers.length === 0) {
      throw new PlatformError('NotFound', `instance ${instanceId} has no peer on network ${networkId}`, { instance_id: instanceId, network_id: networkId });
    }
    const handshakes = Object.values(report.latestHandshakes ?? {}).filter((s) => s > 0);
    const latest = handshakes.length ? new Date(Math.max(...handshakes) * 1000).toISOString() : undefined;
    for (const peer of peers) {
      const data = { peerId: peer.id, publicKey: report.publicKey, ...(report.endpoint === undefined ? {} : { endpoint: report.endpoint }), ...(latest === undefined ? {} : { latestHandshakeAt: latest }) };
      await this.execute(peer.network_id, { type: 'ReportPeer', data }, meta, ATTACH_MAX_ATTEMPTS);
    }
    return Promise.all(peers.map(async (p) => this.view(await this.peerRow(p.network_id, p.id))));
  }

  /** The hub's report: its key on every network, its endpoint per network, and the handshakes it saw with each peer. */
  async reportHub(report: ReportedWireguard, meta: CommandMeta): Promise<boolean> {
    checkKey(report.publicKey);
    const changed = await this.installation.reportHub(report.publicKey, report.endpoint, meta);
    const networks = await selectDocs(this.runtime, networksProjection, '', [], `doc->>'created_at', key`);
    for (const network of networks) await this.execute(network.id, { type: 'ReportKey', data: { peerId: 'hub', publicKey: report.publicKey } }, meta, ATTACH_MAX_ATTEMPTS);
    if (report.endpoint !== undefined) await this.spreadHubEndpoint(report.endpoint, meta);
    const byKey = new Map(Object.entries(report.latestHandshakes ?? {}).filter(([, s]) => s > 0));
    if (byKey.size) {
      const peers = await selectDocs(this.runtime, peersProjection, `NOT doc ? 'detached_at' AND doc->>'public_key' = ANY($1)`, [[...byKey.keys()]]);
      const hubLatest = new Map<string, number>();
      for (const peer of peers) {
        const at = byKey.get(peer.public_key!)!;
        await this.updateEndpoint(peer.network_id, peer.id, undefined, new Date(at * 1000).toISOString(), meta);
        hubLatest.set(peer.network_id, Math.max(hubLatest.get(peer.network_id) ?? 0, at));
      }
      // The hub's own status on a network follows its latest handshake with any peer there.
      for (const [networkId, at] of hubLatest) await this.updateEndpoint(networkId, 'hub', undefined, new Date(at * 1000).toISOString(), meta);
    }
    return changed;
  }

  async desiredForInstance(instanceId: string): Promise<DesiredSdwan> {
    const networkIds = [...new Set((await this.livePeersOf(instanceId)).map((p) => p.network_id))];
    return desiredForInstance(instanceId, await this.networkPeers(networkIds));
  }

  async desiredForHub(): Promise<DesiredSdwan> {
    const hub = (await this.installation.load()).hub;
    return desiredForHub(await this.networkPeers(undefined), hubBasePort(hub?.endpoint));
  }

  /** Which of `instanceIds` have no attached peer on any network. */
  async instancesWithoutPeer(instanceIds: string[]): Promise<string[]> {
    if (!instanceIds.length) return [];
    const rows = await selectDocs(this.runtime, peersProjection, `NOT doc ? 'detached_at' AND doc->>'node_instance_id' = ANY($1)`, [instanceIds]);
    const attached = new Set(rows.map((r) => r.node_instance_id));
    return instanceIds.filter((id) => !attached.has(id));
  }

  /** Live peers of the given networks (all when undefined), grouped per network. */
  async networkPeers(networkIds: string[] | undefined): Promise<NetworkPeers[]> {
    if (networkIds !== undefined && networkIds.length === 0) return [];
    const networks = networkIds === undefined
      ? await selectDocs(this.runtime, networksProjection, '', [])
      : await selectDocs(this.runtime, networksProjection, 'key = ANY($1)', [networkIds]);
    const peers = await selectDocs(this.runtime, peersProjection, `NOT doc ? 'detached_at' AND doc->>'network_id' = ANY($1)`, [networks.map((n) => n.id)]);
    return networks.map((network) => ({ network, peers: peers.filter((p) => p.network_id === network.id) }));
  }

  view(row: PeerRow, now = new Date()): PeerView {
    return { ...row, status: peerStatus(row, now) };
  }

  private async spreadHubEndpoint(endpoint: string, meta: CommandMeta): Promise<void> {
    const networks = await selectDocs(this.runtime, networksProjection, '', [], `doc->>'created_at', key`);
    for (const [index, network] of networks.entries()) await this.updateEndpoint(network.id, 'hub', hubEndpointFor(endpoint, index), undefined, meta);
  }

  private updateEndpoint(networkId: string, peerId: string, endpoint: string | undefined, latestHandshakeAt: string | undefined, meta: CommandMeta) {
    if (endpoint === undefined && latestHandshakeAt === undefined) return Promise.resolve();
    const data = { peerId, ...(endpoint === undefined ? {} : { endpoint }), ...(latestHandshakeAt === undefined ? {} : { latestHandshakeAt }) };
    return this.execute(networkId, { type: 'UpdateEndpoint', data }, meta, ATTACH_MAX_ATTEMPTS);
  }

  private livePeersOf(instanceId: string): Promise<PeerRow[]> {
    return selectDocs(this.runtime, peersProjection, `NOT doc ? 'detached_at' AND doc->>'node_instance_id' = $1`, [instanceId]);
  }

  private async findPeer(networkId: string, selector: { peer_id?: string; node_instance_id?: string }): Promise<PeerRow> {
    if (selector.peer_id !== undefined) return this.peerRow(networkId, selector.peer_id);
    if (selector.node_instance_id === undefined) throw new PlatformError('InvalidInput', 'give peer_id or node_instance_id', { issues: [{ field: 'peer_id', message: 'required' }] });
    const [row] = await selectDocs(this.runtime, peersProjection, `doc->>'network_id' = $1 AND doc->>'node_instance_id' = $2 AND NOT doc ? 'detached_at'`, [networkId, selector.node_instance_id]);
    if (!row) throw new PlatformError('NotFound', `instance ${selector.node_instance_id} has no peer on network ${networkId}`, { network_id: networkId, node_instance_id: selector.node_instance_id });
    return row;
  }

  private async peerRow(networkId: string, peerId: string): Promise<PeerRow> {
    const [row] = await selectDocs(this.runtime, peersProjection, 'key = $1', [peerKey(networkId, peerId)]);
    if (!row) throw new PlatformError('NotFound', `no peer ${peerId} on network ${networkId}`, { network_id: networkId, peer_id: peerId });
    return row;
  }

  private async execute(networkId: string, command: NetworkCommand, meta: CommandMeta, maxAttempts = 5) {
    const result = await handleCommand(this.runtime.store, networkRef(networkId), networkDecider(networkId), command, meta, { maxAttempts });
    await Promise.all([this.runtime.projections.networks.waitFor(result.position), this.runtime.projections.peers.waitFor(result.position)]);
    return result;
  }
}

function checkKey(publicKey: string): void {
  if (!isWireguardKey(publicKey)) {
    throw new PlatformError('InvalidInput', 'public_key is not a WireGuard key (32 bytes, base64)', { issues: [{ field: 'public_key', message: 'a WireGuard key: 32 bytes, base64' }] });
  }
}
