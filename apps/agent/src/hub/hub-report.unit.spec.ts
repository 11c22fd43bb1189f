import { hubReport, reportSignature } from './hub-report.js';

const key = (c: string) => c.repeat(43) + '=';
const facts = (handshakes: (number | null)[]) => ({
  phase: 'ready',
  public_key: key('H'),
  interfaces: [
    { name: 'pn-0000000a', network_id: 'net-0000000a', listen_port: 51820, peers: handshakes.map((at, i) => ({ public_key: key(String.fromCharCode(66 + i)), endpoint: null, latest_handshake: at })) },
    { name: 'pn-0000000b', network_id: 'net-0000000b', listen_port: 51821, peers: [{ public_key: key('A'), endpoint: null, latest_handshake: 1_700_000_500 }] },
  ],
});

describe(hubReport.name, () => {
  it('reports the key, the endpoint and the latest handshake per peer key across networks', () => {
    expect(hubReport(facts([1_700_000_000, null, 0]), '198.18.0.1:51820')).toEqual({
      public_key: key('H'),
      endpoint: '198.18.0.1:51820',
      latest_handshakes: { [key('B')]: 1_700_000_000, [key('A')]: 1_700_000_500 },
    });
  });

  it('reports nothing without a key, and no handshakes when none happened', () => {
    expect(hubReport({ phase: 'error' }, undefined)).toBeUndefined();
    expect(hubReport({ public_key: key('H'), interfaces: [] }, undefined)).toEqual({ public_key: key('H') });
  });
});

describe(reportSignature.name, () => {
  it('ignores handshake moves within a minute and sees anything else', () => {
    const base = hubReport(facts([1_700_000_040]), undefined)!;
    expect(reportSignature(hubReport(facts([1_700_000_099]), undefined)!)).toBe(reportSignature(base));
    expect(reportSignature(hubReport(facts([1_700_000_100]), undefined)!)).not.toBe(reportSignature(base));
    expect(reportSignature({ ...base, endpoint: '198.18.0.1:51820' })).not.toBe(reportSignature(base));
  });
});
