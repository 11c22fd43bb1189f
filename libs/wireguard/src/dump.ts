/** What `wg show <dev> dump` says about one peer. */
export interface WireguardPeerStatus {
  publicKey: string;
  /** `host:port` as WireGuard holds it (`[v6]:port` for IPv6), or null before the peer was heard from or configured. */
  endpoint: string | null;
  allowedIps: string[];
  /** Epoch seconds of the latest handshake, or null if none. */
  latestHandshake: number | null;
  transferRx: number;
  transferTx: number;
  /** Seconds, or null when off. */
  persistentKeepalive: number | null;
}

/** What `wg show <dev> dump` says about an interface. */
export interface WireguardStatus {
  privateKey: string | null;
  publicKey: string | null;
  listenPort: number;
  peers: WireguardPeerStatus[];
}

const none = (value: string | undefined): string | null => (value === undefined || value === '(none)' || value === '' ? null : value);

/** Parses `wg show <dev> dump` (tab-separated: an interface line, then one line per peer). */
export function parseWgDump(text: string): WireguardStatus {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const head = lines[0]?.split('\t');
  if (head === undefined || head.length < 4) throw new Error(`unexpected wg dump: ${JSON.stringify(text.slice(0, 200))}`);
  const peers = lines.slice(1).map((line): WireguardPeerStatus => {
    const f = line.split('\t');
    if (f.length < 8) throw new Error(`unexpected wg dump peer line: ${JSON.stringify(line)}`);
    const handshake = Number(f[4]);
    const allowed = none(f[3]);
    return {
      publicKey: f[0]!,
      endpoint: none(f[2]),
      allowedIps: allowed === null ? [] : allowed.split(','),
      latestHandshake: handshake > 0 ? handshake : null,
      transferRx: Number(f[5]),
      transferTx: Number(f[6]),
      persistentKeepalive: f[7] === 'off' ? null : Number(f[7]),
    };
  });
  return { privateKey: none(head[0]), publicKey: none(head[1]), listenPort: Number(head[2]), peers };
}
