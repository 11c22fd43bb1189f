import { dockerApiEndpoint } from '@powernode/contracts';
import { daemonHostName } from './daemon-host-name.js';

const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

describe(daemonHostName.name, () => {
  it('names the daemon after its instance under the domain', () => {
    expect(daemonHostName('inst-0a1b2c3d', 'nodes.powernode')).toBe('inst-0a1b2c3d.nodes.powernode');
  });

  it('hashes ids that are no DNS label, so every name is one the CA accepts and no two instances share one', () => {
    const odd = ['inst-Upper', 'inst-under_score', `inst-${'x'.repeat(64)}`];
    const names = odd.map((id) => daemonHostName(id, 'nodes.powernode'));
    for (const name of names) expect(name).toMatch(DNS_NAME);
    expect(new Set(names).size).toBe(odd.length);
    expect(daemonHostName('inst-Upper', 'nodes.powernode')).not.toBe(daemonHostName('inst-upper', 'nodes.powernode'));
  });

  it('writes the API endpoint with the overlay in brackets', () => {
    expect(dockerApiEndpoint('fd00:abcd:1::42')).toBe('tcp://[fd00:abcd:1::42]:2376');
  });
});
