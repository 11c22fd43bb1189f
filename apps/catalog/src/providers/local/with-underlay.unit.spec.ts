import { withUnderlay } from './local-instance-provider.js';

describe(withUnderlay.name, () => {
  it('fills the host side of the underlay into the agent arguments and environment', () => {
    const sut = withUnderlay(
      { command: '/usr/bin/node', args: ['agent.js', '--platform-url', 'https://[{host_ipv6}]:8443'], env: { V4: '{host_ipv4}:8443', TOKEN: 'pnb1.x' } },
      { hostIpv6: 'fd5e:7e57:0:1::1', hostIpv4: '198.18.0.5' },
    );
    expect(sut).toEqual({
      command: '/usr/bin/node',
      args: ['agent.js', '--platform-url', 'https://[fd5e:7e57:0:1::1]:8443'],
      env: { V4: '198.18.0.5:8443', TOKEN: 'pnb1.x' },
    });
  });
});
