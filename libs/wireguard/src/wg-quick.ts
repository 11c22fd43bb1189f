import type { WireguardPeerConfig } from './config.js';

/** The parts of a wg-quick file a device needs to come up (DNS, PostUp and the like are not ours to run). */
export interface WgQuickConfig {
  address: string;
  privateKey: string;
  listenPort?: number;
  peers: WireguardPeerConfig[];
}

/**
 * Parses a wg-quick configuration (`[Interface]` then `[Peer]` sections of `Key = Value`, `#` comments), as an
 * operator's laptop would apply it. Throws naming the line on anything it does not understand.
 */
export function parseWgQuick(text: string): WgQuickConfig {
  let section: 'none' | 'interface' | 'peer' = 'none';
  const iface: Partial<WgQuickConfig> = {};
  const peers: WireguardPeerConfig[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const fail = (why: string): never => {
      throw new Error(`wg-quick line ${index + 1}: ${why}`);
    };
    if (/^\[interface\]$/i.test(line)) {
      section = 'interface';
      continue;
    }
    if (/^\[peer\]$/i.test(line)) {
      section = 'peer';
      peers.push({ publicKey: '', allowedIps: [] });
      continue;
    }
    const match = /^([A-Za-z]+)\s*=\s*(.+)$/.exec(line) ?? fail('expected Key = Value');
    const [, key = '', value = ''] = match;
    const list = () => value.split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (section === 'interface') {
      if (/^address$/i.test(key)) iface.address = list()[0] ?? fail('empty Address');
      else if (/^privatekey$/i.test(key)) iface.privateKey = value;
      else if (/^listenport$/i.test(key)) iface.listenPort = Number(value);
    } else if (section === 'peer') {
      const peer = peers[peers.length - 1]!;
      if (/^publickey$/i.test(key)) peer.publicKey = value;
      else if (/^allowedips$/i.test(key)) peer.allowedIps = list();
      else if (/^endpoint$/i.test(key)) peer.endpoint = value;
      else if (/^persistentkeepalive$/i.test(key)) peer.persistentKeepalive = Number(value);
    } else {
      fail('a setting before any [Interface] or [Peer]');
    }
  }
  if (iface.address === undefined || iface.privateKey === undefined) throw new Error('wg-quick: [Interface] needs Address and PrivateKey');
  const missing = peers.findIndex((p) => p.publicKey === '');
  if (missing >= 0) throw new Error(`wg-quick: [Peer] ${missing + 1} has no PublicKey`);
  return { address: iface.address, privateKey: iface.privateKey, ...(iface.listenPort === undefined ? {} : { listenPort: iface.listenPort }), peers };
}
