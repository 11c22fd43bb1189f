import { marksOf } from './event-marks.js';

describe(marksOf.name, () => {
  it('marks catalog events by template, instance, or all', () => {
    expect(marksOf({ kind: 'system.catalog.template.module_assigned', data: { template_id: 'tpl-1' } })).toEqual([{ kind: 't', id: 'tpl-1' }]);
    expect(marksOf({ kind: 'system.catalog.instance.decommissioned', data: { instance_id: 'inst-1' } })).toEqual([{ kind: 'i', id: 'inst-1' }]);
    expect(marksOf({ kind: 'system.catalog.module.published', data: {} })).toEqual([{ kind: 'all', id: '' }]);
    expect(marksOf({ kind: 'system.catalog.instance.enrolled', data: { instance_id: 'inst-1' } })).toEqual([]);
  });

  it('marks a direct docker assignment’s instance, not the template path’s or the handshake’s events', () => {
    const data = { host_id: 'host-1', instance_id: 'inst-1', module_id: 'mod-1', module_name: 'docker-engine', module_version: '1.0.0' };
    expect(marksOf({ kind: 'system.docker.module.assigned', data: { ...data, via: 'instance' } })).toEqual([{ kind: 'i', id: 'inst-1' }]);
    expect(marksOf({ kind: 'system.docker.module.unassigned', data: { ...data, via: 'instance' } })).toEqual([{ kind: 'i', id: 'inst-1' }]);
    expect(marksOf({ kind: 'system.docker.runtime.decommissioned', data })).toEqual([{ kind: 'i', id: 'inst-1' }]);
    expect(marksOf({ kind: 'system.docker.module.assigned', data: { ...data, via: 'template' } })).toEqual([]);
    expect(marksOf({ kind: 'system.docker.handshake.cert_signed', data })).toEqual([]);
  });

  it('marks a node peer’s instance and its network', () => {
    const data = { network_id: 'net-0000000a', peer_id: 'peer-00000001', role: 'node', overlay_address: 'fd00::a', node_instance_id: 'inst-1' };
    expect(marksOf({ kind: 'system.sdwan.peer.attached', data })).toEqual([
      { kind: 's', id: 'inst-1' },
      { kind: 'n', id: 'net-0000000a' },
    ]);
  });

  it('marks other network events by network only', () => {
    expect(marksOf({ kind: 'system.sdwan.peer.key_reported', data: { network_id: 'net-0000000a', peer_id: 'hub', public_key: 'k' } })).toEqual([{ kind: 'n', id: 'net-0000000a' }]);
    expect(marksOf({ kind: 'system.sdwan.peer.detached', data: { network_id: 'net-0000000a', peer_id: 'peer-00000001' } })).toEqual([{ kind: 'n', id: 'net-0000000a' }]);
    expect(marksOf({ kind: 'system.sdwan.peer.endpoint_updated', data: { network_id: 'net-0000000a', peer_id: 'hub', endpoint: '10.0.0.1:51820' } })).toEqual([
      { kind: 'n', id: 'net-0000000a' },
    ]);
  });

  it('ignores what changes no peer list: a handshake time alone, events without a network', () => {
    expect(marksOf({ kind: 'system.sdwan.peer.endpoint_updated', data: { network_id: 'net-0000000a', peer_id: 'peer-00000001', latest_handshake_at: '2026-01-01T00:00:00Z' } })).toEqual([]);
    expect(marksOf({ kind: 'system.sdwan.access_grant.revoked', data: { grant_id: 'grant-00000001' } })).toEqual([]);
    expect(marksOf({ kind: 'system.sdwan.installation.hub_reported', data: { public_key: 'k' } })).toEqual([]);
  });
});
