import { canonicalEndpoint, canonicalPrefix } from './addresses.js';
import { normalizeConfig, planWgSet, type WireguardInterfaceConfig } from './config.js';
import { parseWgDump } from './dump.js';
import { generateWireguardKeyPair, isWireguardKey, wireguardPublicKey } from './keys.js';

const a = generateWireguardKeyPair();
const b = generateWireguardKeyPair();
const c = generateWireguardKeyPair();

describe(generateWireguardKeyPair.name, () => {
  it('yields base64 32-byte keys whose public half derives from the private one', () => {
    expect(isWireguardKey(a.privateKey) && isWireguardKey(a.publicKey)).toBe(true);
    expect(wireguardPublicKey(a.privateKey)).toBe(a.publicKey);
    expect(a.privateKey).not.toBe(b.privateKey);
    const raw = Buffer.from(a.privateKey, 'base64');
    expect([raw[0]! & 7, raw[31]! & 0xc0]).toEqual([0, 0x40]); // clamped like `wg genkey`
  });

  it('rejects what is not a key', () => {
    expect(isWireguardKey('abc')).toBe(false);
    expect(() => wireguardPublicKey('x'.repeat(44))).toThrow(/not a WireGuard private key/);
  });
});

describe(parseWgDump.name, () => {
  it('reads the interface line and every peer', () => {
    const dump = [
      `${a.privateKey}\t${a.publicKey}\t51820\toff`,
      `${b.publicKey}\t(none)\t[fd00::2]:51821\tfd77:aaaa::2/128\t1700000000\t1024\t2048\t25`,
      `${c.publicKey}\t(none)\t(none)\t(none)\t0\t0\t0\toff`,
    ].join('\n');
    expect(parseWgDump(`${dump}\n`)).toEqual({
      privateKey: a.privateKey,
      publicKey: a.publicKey,
      listenPort: 51820,
      peers: [
        { publicKey: b.publicKey, endpoint: '[fd00::2]:51821', allowedIps: ['fd77:aaaa::2/128'], latestHandshake: 1700000000, transferRx: 1024, transferTx: 2048, persistentKeepalive: 25 },
        { publicKey: c.publicKey, endpoint: null, allowedIps: [], latestHandshake: null, transferRx: 0, transferTx: 0, persistentKeepalive: null },
      ],
    });
  });

  it('refuses output that is not a dump', () => {
    expect(() => parseWgDump('')).toThrow(/unexpected wg dump/);
  });
});

describe(planWgSet.name, () => {
  const desired: WireguardInterfaceConfig = normalizeConfig({
    name: 'pn-net1',
    privateKey: a.privateKey,
    listenPort: 51820,
    address: 'fd77:aaaa:0::1/128',
    peers: [{ publicKey: b.publicKey, allowedIps: ['fd77:aaaa::0002/128'], endpoint: '198.19.200.2:51820', persistentKeepalive: 25 }],
  });
  const matching = {
    privateKey: a.privateKey,
    publicKey: a.publicKey,
    listenPort: 51820,
    peers: [{ publicKey: b.publicKey, endpoint: '198.19.200.2:51820', allowedIps: ['fd77:aaaa::2/128'], latestHandshake: 5, transferRx: 1, transferTx: 1, persistentKeepalive: 25 }],
  };

  it('plans nothing when the device already matches', () => {
    expect(planWgSet(matching, desired)).toEqual([]);
  });

  it('sets port and new peers on a fresh device', () => {
    expect(planWgSet({ privateKey: null, publicKey: null, listenPort: 0, peers: [] }, desired)).toEqual([
      'listen-port', '51820',
      'peer', b.publicKey, 'allowed-ips', 'fd77:aaaa::2/128', 'endpoint', '198.19.200.2:51820', 'persistent-keepalive', '25',
    ]);
  });

  it('removes peers that are no longer desired and changes only what differs', () => {
    const current = { ...matching, peers: [{ ...matching.peers[0]!, allowedIps: ['fd77:aaaa::9/128'] }, { ...matching.peers[0]!, publicKey: c.publicKey }] };
    expect(planWgSet(current, desired)).toEqual(['peer', b.publicKey, 'allowed-ips', 'fd77:aaaa::2/128', 'peer', c.publicKey, 'remove']);
  });

  it('leaves a roamed endpoint alone when none is configured, and turns keepalive off when dropped', () => {
    const noEndpoint = normalizeConfig({ ...desired, peers: [{ publicKey: b.publicKey, allowedIps: ['fd77:aaaa::2/128'] }] });
    expect(planWgSet(matching, noEndpoint)).toEqual(['peer', b.publicKey, 'persistent-keepalive', 'off']);
  });
});

describe(normalizeConfig.name, () => {
  const base = { name: 'pn-x', privateKey: a.privateKey, listenPort: 1, address: 'fd77::1/128', peers: [] };
  it.each([
    [{ ...base, name: 'a-name-longer-than-15' }, /invalid interface name/],
    [{ ...base, name: 'bad/name' }, /invalid interface name/],
    [{ ...base, privateKey: 'nope' }, /privateKey/],
    [{ ...base, listenPort: 70000 }, /listenPort/],
    [{ ...base, address: 'fd77::zz/128' }, /not an IP/],
    [{ ...base, peers: [{ publicKey: b.publicKey, allowedIps: [] }, { publicKey: b.publicKey, allowedIps: [] }] }, /listed twice/],
    [{ ...base, peers: [{ publicKey: b.publicKey, allowedIps: [], endpoint: 'nohost' }] }, /host:port/],
  ])('rejects %#', (config, message) => {
    expect(() => normalizeConfig(config)).toThrow(message);
  });
});

describe('addresses', () => {
  it('canonicalises prefixes and endpoints the way ip and wg print them', () => {
    expect(canonicalPrefix('FD77:AAAA:0000::0001')).toBe('fd77:aaaa::1/128');
    expect(canonicalPrefix('198.19.200.1')).toBe('198.19.200.1/32');
    expect(canonicalEndpoint('[FD00:0::2]:051820')).toBe('[fd00::2]:51820');
    expect(canonicalEndpoint('198.19.200.2:51820')).toBe('198.19.200.2:51820');
    expect(canonicalEndpoint('hub.example:51820')).toBe('hub.example:51820');
  });
});
