import { dockerHostUrl, renderDockerEnv } from './commands/docker-env.js';

describe(renderDockerEnv.name, () => {
  it('prints docker-machine style exports a shell can eval, then the hint', () => {
    const sut = renderDockerEnv('tcp://[fd00:1::5]:2376', '/home/op/.powernode/docker/host-1', 'host-1');
    expect(sut.split('\n')).toEqual([
      'export DOCKER_HOST="tcp://[fd00:1::5]:2376"',
      'export DOCKER_TLS_VERIFY="1"',
      'export DOCKER_CERT_PATH="/home/op/.powernode/docker/host-1"',
      '# Run this command to configure your shell:',
      '# eval $(powernode docker env host-1)',
      '',
    ]);
  });

  it('quotes what a shell would expand', () => {
    expect(renderDockerEnv('tcp://[::1]:2376', '/tmp/a "$b`', 'h')).toContain('export DOCKER_CERT_PATH="/tmp/a \\"\\$b\\`"');
  });

  it('takes the api endpoint, else the overlay address on 2376', () => {
    expect(dockerHostUrl({ id: 'h', api_endpoint: 'tcp://[fd00::2]:2376' })).toBe('tcp://[fd00::2]:2376');
    expect(dockerHostUrl({ id: 'h', overlay_address: 'fd00::3' })).toBe('tcp://[fd00::3]:2376');
    expect(() => dockerHostUrl({ id: 'h' })).toThrow(/no overlay address/);
  });
});
