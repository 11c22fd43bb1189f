import { endpointOf, nodeReports, reportSignature, sdwanFacts } from './sdwan-facts.js';

const key = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const peerKey = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';
const iface = (network_id: string, listen_port: number, latest_handshake: number | null) => ({
  name: 'pn-0123456789ab',
  network_id,
  listen_port,
  peers: [{ public_key: peerKey, endpoint: '10.0.0.1:51820', latest_handshake }],
});

describe(endpointOf.name, () => {
  it('writes IPv4 plainly, unmaps IPv4-mapped IPv6, and brackets IPv6', () => {
    expect(endpointOf('10.1.2.3', 51820)).toBe('10.1.2.3:51820');
    expect(endpointOf('::ffff:10.1.2.3', 51820)).toBe('10.1.2.3:51820');
    expect(endpointOf('::1', 51821)).toBe('[::1]:51821');
    expect(endpointOf('fd10::2', 51820)).toBe('[fd10::2]:51820');
  });
});

describe(nodeReports.name, () => {
  it('reports the key alone while the agent has no interface', () => {
    const facts = sdwanFacts.parse({ phase: 'ready', public_key: key, interfaces: [] });
    expect(nodeReports('inst-1', facts, '10.1.2.3')).toEqual([{ instance_id: 'inst-1', public_key: key }]);
  });

  it('reports each interface with the observed address, its listen port, and the handshakes that happened', () => {
    const facts = sdwanFacts.parse({ public_key: key, interfaces: [iface('net-0000000a', 51820, 1_700_000_000), iface('net-0000000b', 51821, null)] });
    expect(nodeReports('inst-1', facts, '::ffff:10.1.2.3')).toEqual([
      { instance_id: 'inst-1', network_id: 'net-0000000a', public_key: key, endpoint: '10.1.2.3:51820', latest_handshakes: { [peerKey]: 1_700_000_000 } },
      { instance_id: 'inst-1', network_id: 'net-0000000b', public_key: key, endpoint: '10.1.2.3:51821' },
    ]);
    expect(nodeReports('inst-1', facts, undefined)[1]).toEqual({ instance_id: 'inst-1', network_id: 'net-0000000b', public_key: key });
  });
});

describe(reportSignature.name, () => {
  const signatureAt = (handshake: number, address = '10.1.2.3') =>
    reportSignature(nodeReports('inst-1', sdwanFacts.parse({ public_key: key, interfaces: [iface('net-0000000a', 51820, handshake)] }), address));

  it('changes with the endpoint and with the handshake minute, not within a minute', () => {
    expect(signatureAt(1_700_000_040)).toBe(signatureAt(1_700_000_099));
    expect(signatureAt(1_700_000_100)).not.toBe(signatureAt(1_700_000_099));
    expect(signatureAt(1_700_000_040, '10.1.2.4')).not.toBe(signatureAt(1_700_000_040));
  });
});

describe('sdwanFacts', () => {
  it('refuses what the relay cannot use', () => {
    expect(sdwanFacts.safeParse({ public_key: key, interfaces: [iface('not-a-network', 51820, null)] }).success).toBe(false);
    expect(sdwanFacts.safeParse({ public_key: 42 }).success).toBe(false);
    expect(sdwanFacts.safeParse({ public_key: key, interfaces: [{ ...iface('net-0000000a', 0, null) }] }).success).toBe(false);
  });
});
