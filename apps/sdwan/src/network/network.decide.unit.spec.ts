import type { NewEvent } from '@powernode/eventstore';
import { givenFor } from '@powernode/testing';
import type { NetworkCommand } from './network.commands.js';
import { networkDecider } from './network.decider.js';

const id = 'net-0000abcd';
const given = givenFor(networkDecider(id), id);
const now = '2026-01-01T00:00:00.000Z';
const key = 'A'.repeat(43) + '=';

const created: NewEvent = { kind: 'system.sdwan.network.created', data: { network_id: id, name: 'a', prefix: 'fd00:abcd:1::/64', owner: 'alice' } };
const hub: NewEvent = { kind: 'system.sdwan.peer.attached', data: { network_id: id, peer_id: 'hub', role: 'hub', overlay_address: 'fd00:abcd:1::1' } };
const node = (peerId: string, instance: string, address: string): NewEvent => ({
  kind: 'system.sdwan.peer.attached',
  data: { network_id: id, peer_id: peerId, role: 'node', overlay_address: address, node_instance_id: instance },
});
const attach = (peerId: string, instance: string, candidates: string[], at = now): NetworkCommand => ({
  type: 'AttachPeer',
  data: { peer: { peerId, role: 'node', nodeInstanceId: instance }, candidates, now: at },
});
const detached = (peerId: string, address: string, until: string): NewEvent => ({
  kind: 'system.sdwan.peer.detached',
  data: { network_id: id, peer_id: peerId, overlay_address: address, quarantined_until: until },
});

describe('network decider', () => {
  it('creates a network with its hub at ::1, once', () => {
    const create: NetworkCommand = { type: 'CreateNetwork', data: { networkId: id, name: 'a', prefix: 'fd00:abcd:1::/64', owner: 'alice', hubAddress: 'fd00:abcd:1::1' } };
    expect(given([]).when(create)()).toEqual([created, hub]);
    expect(given([created, hub]).when(create)).toThrow(expect.objectContaining({ code: 'Conflict' }));
  });

  it('attaches a node at the first free candidate inside the /64', () => {
    expect(given([created, hub]).when(attach('peer-00000001', 'inst-a', ['fd00:abcd:2::5', 'fd00:abcd:1::1', 'fd00:abcd:1::42']))()).toEqual([
      node('peer-00000001', 'inst-a', 'fd00:abcd:1::42'),
    ]);
  });

  it('attaching an instance twice records nothing', () => {
    expect(given([created, hub, node('peer-00000001', 'inst-a', 'fd00:abcd:1::42')]).when(attach('peer-00000002', 'inst-a', ['fd00:abcd:1::43']))()).toEqual([]);
  });

  it('refuses an address in use with an address collision the service retries', () => {
    expect(given([created, hub, node('peer-00000001', 'inst-a', 'fd00:abcd:1::42')]).when(attach('peer-00000002', 'inst-b', ['fd00:abcd:1::42']))).toThrow(
      expect.objectContaining({ code: 'Conflict', details: expect.objectContaining({ reason: 'address_collision' }) }),
    );
  });

  it('quarantines a detached address until its time has passed', () => {
    const history = [created, hub, node('peer-00000001', 'inst-a', 'fd00:abcd:1::42')];
    const detach: NetworkCommand = { type: 'DetachPeer', data: { peerId: 'peer-00000001', now, quarantineSeconds: 3600 } };
    expect(given(history).when(detach)()).toEqual([detached('peer-00000001', 'fd00:abcd:1::42', '2026-01-01T01:00:00.000Z')]);
    const after = [...history, detached('peer-00000001', 'fd00:abcd:1::42', '2026-01-01T01:00:00.000Z')];
    expect(given(after).when(detach)()).toEqual([]);
    expect(given(after).when(attach('peer-00000002', 'inst-b', ['fd00:abcd:1::42']))).toThrow(expect.objectContaining({ code: 'Conflict' }));
    expect(given(after).when(attach('peer-00000002', 'inst-b', ['fd00:abcd:1::42'], '2026-01-01T01:00:00.000Z'))()).toEqual([node('peer-00000002', 'inst-b', 'fd00:abcd:1::42')]);
  });

  it('never detaches the hub', () => {
    expect(given([created, hub]).when({ type: 'DetachPeer', data: { peerId: 'hub', now, quarantineSeconds: 1 } })).toThrow(expect.objectContaining({ code: 'IllegalState' }));
  });

  it('records a reported key once, and handshakes only when they moved', () => {
    const history = [created, hub, node('peer-00000001', 'inst-a', 'fd00:abcd:1::42')];
    const report: NetworkCommand = { type: 'ReportKey', data: { peerId: 'peer-00000001', publicKey: key } };
    const reported: NewEvent = { kind: 'system.sdwan.peer.key_reported', data: { network_id: id, peer_id: 'peer-00000001', public_key: key } };
    expect(given(history).when(report)()).toEqual([reported]);
    expect(given([...history, reported]).when(report)()).toEqual([]);
    const seen = (at: string): NetworkCommand => ({ type: 'UpdateEndpoint', data: { peerId: 'peer-00000001', endpoint: '[fd5e::2]:51820', latestHandshakeAt: at } });
    const updated: NewEvent = {
      kind: 'system.sdwan.peer.endpoint_updated',
      data: { network_id: id, peer_id: 'peer-00000001', endpoint: '[fd5e::2]:51820', latest_handshake_at: now },
    };
    expect(given(history).when(seen(now))()).toEqual([updated]);
    expect(given([...history, updated]).when(seen('2026-01-01T00:00:30.000Z'))()).toEqual([]);
  });

  it('records a whole node report (key and endpoint) in one decision, and nothing when nothing changed', () => {
    const history = [created, hub, node('peer-00000001', 'inst-a', 'fd00:abcd:1::42')];
    const report: NetworkCommand = { type: 'ReportPeer', data: { peerId: 'peer-00000001', publicKey: key, endpoint: '[fd5e::2]:51820' } };
    const events = given(history).when(report)();
    expect(events).toEqual([
      { kind: 'system.sdwan.peer.key_reported', data: { network_id: id, peer_id: 'peer-00000001', public_key: key } },
      { kind: 'system.sdwan.peer.endpoint_updated', data: { network_id: id, peer_id: 'peer-00000001', endpoint: '[fd5e::2]:51820' } },
    ]);
    expect(given([...history, ...events]).when(report)()).toEqual([]);
  });

  it('answers NotFound for a network that does not exist', () => {
    expect(given([]).when(attach('peer-00000001', 'inst-a', ['fd00:abcd:1::42']))).toThrow(expect.objectContaining({ code: 'NotFound' }));
  });
});
