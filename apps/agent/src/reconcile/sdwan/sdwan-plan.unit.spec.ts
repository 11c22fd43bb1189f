import { generateWireguardKeyPair } from '@powernode/wireguard';
import { readDesiredSdwan, type DesiredSdwanInterface } from './sdwan-desired.js';
import { interfaceFacts, planSdwan } from './sdwan-plan.js';

const node = generateWireguardKeyPair();
const other = generateWireguardKeyPair();
const iface = (name: string, peers: DesiredSdwanInterface['peers'] = []): DesiredSdwanInterface => ({ name, network_id: `net_${name}`, address: 'fd77:aaaa::5/128', listen_port: 51820, peers });

describe(planSdwan.name, () => {
  it('maps desired interfaces to library configs with the node key, in the current namespace', () => {
    const sut = planSdwan([iface('pn-a', [{ public_key: other.publicKey, allowed_ips: ['fd77:aaaa::1/128'], endpoint: '198.18.0.1:51820', persistent_keepalive: 25 }])], [], node.privateKey);
    expect(sut.ensure).toEqual([
      {
        name: 'pn-a',
        privateKey: node.privateKey,
        listenPort: 51820,
        address: 'fd77:aaaa::5/128',
        peers: [{ publicKey: other.publicKey, allowedIps: ['fd77:aaaa::1/128'], endpoint: '198.18.0.1:51820', persistentKeepalive: 25 }],
      },
    ]);
    expect(sut.ensure[0]).not.toHaveProperty('netns');
    expect(sut.remove).toEqual([]);
    expect(sut.track).toEqual(['pn-a']);
  });

  it('removes only interfaces it tracked that are no longer desired', () => {
    const sut = planSdwan([iface('pn-b')], ['pn-a', 'pn-b'], node.privateKey);
    expect(sut.remove).toEqual(['pn-a']);
    expect(sut.track).toEqual(['pn-b']);
  });

  it('removes everything it tracked when SDWAN is gone from the desired state', () => {
    expect(planSdwan([], ['pn-a', 'pn-b'], node.privateKey)).toEqual({ ensure: [], remove: ['pn-a', 'pn-b'], track: [] });
  });

  it('refuses a name listed twice', () => {
    expect(() => planSdwan([iface('pn-a'), iface('pn-a')], [], node.privateKey)).toThrow(/listed twice/);
  });
});

describe(readDesiredSdwan.name, () => {
  it('treats a desired state without sdwan as no interfaces', () => {
    expect(readDesiredSdwan({ instance_id: 'i', version: '1', modules: [] })).toEqual({ interfaces: [] });
  });

  it('rejects a malformed sdwan part', () => {
    expect(() => readDesiredSdwan({ sdwan: { interfaces: [{ name: 'pn-a' }] } })).toThrow();
  });
});

describe(interfaceFacts.name, () => {
  it('reports peers with endpoint and latest handshake, nothing secret', () => {
    const sut = interfaceFacts(iface('pn-a'), {
      backend: 'userspace',
      privateKey: null,
      publicKey: node.publicKey,
      listenPort: 51820,
      peers: [{ publicKey: other.publicKey, endpoint: '198.18.0.1:51820', allowedIps: ['fd77:aaaa::1/128'], latestHandshake: 1700000000, transferRx: 1, transferTx: 2, persistentKeepalive: 25 }],
    });
    expect(sut).toEqual({ name: 'pn-a', network_id: 'net_pn-a', listen_port: 51820, peers: [{ public_key: other.publicKey, endpoint: '198.18.0.1:51820', latest_handshake: 1700000000 }] });
  });
});
