import type { PeerRow } from '../network/peers.projection.js';
import { desiredForHub, desiredForInstance, hubEndpointFor, interfaceName } from './desired-state.js';
import { peerStatus } from './peer-status.js';
import { isWireguardKey, renderWgQuick, wireguardKeyPair } from './wg-quick.js';

const k = (c: string) => c.repeat(43) + '=';
const at = '2026-01-01T00:00:00.000Z';
const peer = (p: Partial<PeerRow> & Pick<PeerRow, 'id' | 'network_id' | 'overlay_address'>): PeerRow => ({ role: 'node', attached_at: at, ...p });

const A = { id: 'net-0000000a', created_at: '2026-01-01T00:00:00.000Z' };
const B = { id: 'net-0000000b', created_at: '2026-01-01T00:00:01.000Z' };
const a = [
  peer({ id: 'hub', network_id: A.id, role: 'hub', overlay_address: 'fd00:a::1', public_key: k('H'), endpoint: '[fd5e::1]:51820' }),
  peer({ id: 'peer-00000001', network_id: A.id, overlay_address: 'fd00:a::11', node_instance_id: 'inst-1', public_key: k('A') }),
  peer({ id: 'peer-00000002', network_id: A.id, overlay_address: 'fd00:a::12', node_instance_id: 'inst-2', public_key: k('C') }),
  peer({ id: 'peer-00000003', network_id: A.id, overlay_address: 'fd00:a::13', node_instance_id: 'inst-3' }),
  peer({ id: 'peer-00000004', network_id: A.id, role: 'device', overlay_address: 'fd00:a::14', grant_id: 'grant-00000001', public_key: k('D') }),
  peer({ id: 'peer-00000005', network_id: A.id, overlay_address: 'fd00:a::15', node_instance_id: 'inst-5', public_key: k('E'), detached_at: at }),
];
const b = [
  peer({ id: 'hub', network_id: B.id, role: 'hub', overlay_address: 'fd00:b::1', public_key: k('H') }),
  peer({ id: 'peer-00000011', network_id: B.id, overlay_address: 'fd00:b::11', node_instance_id: 'inst-1', public_key: k('A') }),
  peer({ id: 'peer-00000012', network_id: B.id, overlay_address: 'fd00:b::12', node_instance_id: 'inst-9', public_key: k('F') }),
];
const networks = [{ network: B, peers: b }, { network: A, peers: a }];

describe('desired SDWAN state', () => {
  it('gives an instance one interface per network with the keyed peers of that network only, each allowed its /128', () => {
    const sut = desiredForInstance('inst-2', networks);
    expect(sut.interfaces).toEqual([
      {
        name: interfaceName(A.id, 'peer-00000002'),
        network_id: A.id,
        address: 'fd00:a::12/128',
        listen_port: 51820,
        peers: [
          { public_key: k('H'), allowed_ips: ['fd00:a::1/128'], endpoint: '[fd5e::1]:51820', persistent_keepalive: 25 },
          { public_key: k('A'), allowed_ips: ['fd00:a::11/128'], persistent_keepalive: 25 },
          { public_key: k('D'), allowed_ips: ['fd00:a::14/128'], persistent_keepalive: 25 },
        ],
      },
    ]);
  });

  it('gives unique names and listen ports to an instance on several networks', () => {
    const sut = desiredForInstance('inst-1', networks);
    expect(sut.interfaces.map((i) => [i.name, i.listen_port, i.address])).toEqual([
      [interfaceName(A.id, 'peer-00000001'), 51820, 'fd00:a::11/128'],
      [interfaceName(B.id, 'peer-00000011'), 51821, 'fd00:b::11/128'],
    ]);
    const [first, second] = sut.interfaces.map((i) => i.name);
    expect(first).not.toBe(second);
    expect(sut.interfaces[1]!.peers.map((p) => p.allowed_ips[0])).toEqual(['fd00:b::1/128', 'fd00:b::12/128']);
    // Local instances share one machine: the same network on another instance needs another name.
    expect(desiredForInstance('inst-2', networks).interfaces[0]!.name).not.toBe(first);
    for (const name of [first!, interfaceName('net-0123abcd', 'peer-0123456789abcdef'), interfaceName('net-0123abcd', 'hub')]) expect(name).toMatch(/^pn-[0-9a-f]{8,12}$/);
  });

  it('gives a detached or unattached instance nothing', () => {
    expect(desiredForInstance('inst-5', networks)).toEqual({ interfaces: [] });
    expect(desiredForInstance('inst-404', networks)).toEqual({ interfaces: [] });
  });

  it('gives the hub every keyed node and device peer, per network', () => {
    const sut = desiredForHub(networks, 51900);
    expect(sut.interfaces.map((i) => [i.name, i.address, i.listen_port, i.peers.map((p) => p.allowed_ips[0])])).toEqual([
      ['pn-0000000a', 'fd00:a::1/128', 51900, ['fd00:a::11/128', 'fd00:a::12/128', 'fd00:a::14/128']],
      ['pn-0000000b', 'fd00:b::1/128', 51901, ['fd00:b::11/128', 'fd00:b::12/128']],
    ]);
    expect(hubEndpointFor('[fd5e::1]:51900', 1)).toBe('[fd5e::1]:51901');
  });
});

describe(peerStatus.name, () => {
  const now = new Date('2026-01-01T01:00:00.000Z');
  it('is pending without a key or a handshake, then follows the latest handshake age', () => {
    expect(peerStatus({}, now)).toBe('pending');
    expect(peerStatus({ public_key: k('A') }, now)).toBe('pending');
    expect(peerStatus({ public_key: k('A'), latest_handshake_at: '2026-01-01T00:58:00.000Z' }, now)).toBe('active');
    expect(peerStatus({ public_key: k('A'), latest_handshake_at: '2026-01-01T00:55:00.000Z' }, now)).toBe('degraded');
    expect(peerStatus({ public_key: k('A'), latest_handshake_at: '2026-01-01T00:40:00.000Z' }, now)).toBe('disconnected');
  });
});

describe('wg-quick', () => {
  it('makes X25519 keys as WireGuard writes them and recognises malformed ones', () => {
    const { privateKey, publicKey } = wireguardKeyPair();
    expect(isWireguardKey(privateKey)).toBe(true);
    expect(isWireguardKey(publicKey)).toBe(true);
    expect(privateKey).not.toBe(publicKey);
    for (const bad of ['', 'not-a-key', k('A').slice(1), Buffer.alloc(31).toString('base64'), Buffer.alloc(33).toString('base64')]) expect(isWireguardKey(bad)).toBe(false);
  });

  it('renders an Interface and one Peer per peer', () => {
    const text = renderWgQuick({ address: 'fd00:a::14', privateKey: k('P') }, [
      { public_key: k('H'), allowed_ips: ['fd00:a::1/128'], endpoint: '[fd5e::1]:51820', persistent_keepalive: 25 },
    ]);
    expect(text).toBe(`[Interface]\nAddress = fd00:a::14/128\nPrivateKey = ${k('P')}\n\n[Peer]\nPublicKey = ${k('H')}\nAllowedIPs = fd00:a::1/128\nEndpoint = [fd5e::1]:51820\nPersistentKeepalive = 25\n`);
  });
});
