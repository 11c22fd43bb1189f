import type { InspectedContainer } from './container-view.js';
import { canonicalIp, unpublishedPorts } from './unpublished-ports.js';

const container = (wanted: string, actual: string | undefined) =>
  ({
    HostConfig: { PortBindings: { '80/tcp': [{ HostIp: wanted, HostPort: '8080' }] } },
    NetworkSettings: { Ports: { '80/tcp': actual === undefined ? null : [{ HostIp: actual, HostPort: '8080' }] } },
  }) as unknown as InspectedContainer;

describe(unpublishedPorts.name, () => {
  it('finds a binding dockerd dropped', () => {
    expect(unpublishedPorts(container('fd00:1::2', undefined))).toEqual(['[fd00:1::2]:8080->80/tcp']);
  });

  it('matches an address however it is spelt (dockerd drops leading zeros)', () => {
    expect(unpublishedPorts(container('fd6d:9f28:0a35::2', 'fd6d:9f28:a35::2'))).toEqual([]);
    expect(canonicalIp('FD00:0:0::0A')).toBe(canonicalIp('fd00::a'));
    expect(canonicalIp('not an ip')).toBe('not an ip');
  });
});
