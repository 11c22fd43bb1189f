import { DEFAULT_STATE_DIR, USAGE, dialHost, parseAgentArgs, type NodeAgentOptions } from './cli-args.js';
import { UsageError } from './errors.js';

const TOKEN = `pnb1.${'a'.repeat(64)}.${'s'.repeat(43)}`;

describe(parseAgentArgs.name, () => {
  it('reads flags, with defaults', () => {
    const sut = parseAgentArgs(['--platform-url', 'https://10.0.0.1:8443', '--bootstrap-token', TOKEN], {});
    expect(sut).toEqual({ platformUrl: new URL('https://10.0.0.1:8443'), bootstrapToken: TOKEN, stateDir: DEFAULT_STATE_DIR, role: 'node', logLevel: 'info', docker: { install: 'apt' } });
  });

  it('reads the docker flags, with environment fallbacks; flags win', () => {
    const url = ['--platform-url', 'https://h:1'];
    expect(parseAgentArgs([...url, '--docker-root', '/var/lib/pn/inst-1/docker/', '--docker-install', 'none'], {})).toMatchObject({ docker: { root: '/var/lib/pn/inst-1/docker', install: 'none' } });
    const env = { POWERNODE_DOCKER_ROOT: '/env/docker', POWERNODE_DOCKER_INSTALL: 'none' };
    expect(parseAgentArgs(url, env)).toMatchObject({ docker: { root: '/env/docker', install: 'none' } });
    expect(parseAgentArgs([...url, '--docker-root', '/flag/docker', '--docker-install', 'apt'], env)).toMatchObject({ docker: { root: '/flag/docker', install: 'apt' } });
    expect((parseAgentArgs(url, {}) as NodeAgentOptions).docker).toEqual({ install: 'apt' });
  });

  it('names the docker flags in its usage text', () => {
    expect(USAGE).toContain('--docker-root <dir>');
    expect(USAGE).toContain('--docker-install apt|none');
    expect(USAGE).toContain('POWERNODE_DOCKER_ROOT');
    expect(USAGE).toContain('POWERNODE_DOCKER_INSTALL');
  });

  it('accepts an IPv6 literal and dials it without brackets', () => {
    const sut = parseAgentArgs(['--platform-url', 'https://[fd5e:7e57:0:1::1]:8443'], {}) as NodeAgentOptions;
    expect(dialHost(sut.platformUrl)).toBe('fd5e:7e57:0:1::1');
    expect(sut.platformUrl.port).toBe('8443');
  });

  it('falls back to the environment; flags win', () => {
    const env = { POWERNODE_PLATFORM_URL: 'https://env:1', POWERNODE_BOOTSTRAP_TOKEN: TOKEN, POWERNODE_AGENT_STATE_DIR: '/tmp/s' };
    expect(parseAgentArgs([], env)).toMatchObject({ platformUrl: new URL('https://env:1'), bootstrapToken: TOKEN, stateDir: '/tmp/s' });
    expect(parseAgentArgs(['--state-dir', '/x', '--platform-url', 'https://flag:2'], env)).toMatchObject({ platformUrl: new URL('https://flag:2'), stateDir: '/x' });
  });

  it.each([
    [[], /--platform-url .* is required/],
    [['--platform-url', 'http://h:1'], /https/],
    [['--platform-url', 'not a url'], /not a URL/],
    [['--platform-url', 'https://h:1/agent'], /origin only/],
    [['--platform-url', 'https://h:1', '--bootstrap-token', 'pnb1.short.secret'], /not a pnb1 token/],
    [['--platform-url', 'https://h:1', '--role', 'platform'], /takes no --platform-url/],
    [['--role', 'platform', '--endpoint', 'nohost'], /must be host:port/],
    [['--role', 'platform', '--endpoint', '[fd00::1]:70000'], /must be host:port/],
    [['--platform-url', 'https://h:1', '--endpoint', '10.0.0.1:51820'], /--endpoint is for --role platform/],
    [['--platform-url', 'https://h:1', '--role', 'hub'], /--role must be/],
    [['--platform-url', 'https://h:1', '--log-level', 'loud'], /--log-level/],
    [['--platform-url', 'https://h:1', '--unknown'], /Unknown option/],
    [['--platform-url', 'https://h:1', '--docker-install', 'snap'], /--docker-install must be one of apt, none/],
    [['--platform-url', 'https://h:1', '--docker-root', 'relative/dir'], /--docker-root .* must be an absolute path/],
    [['--platform-url', 'https://h:1', '--docker-root', '/with space'], /--docker-root .* must be an absolute path/],
    [['--platform-url', 'https://h:1', '--docker-root', '/a/../etc'], /--docker-root .* \(no \. or \.\. parts\)/],
    [['--role', 'platform', '--docker-root', '/x'], /--role platform runs no container runtime/],
  ])('rejects %j with a UsageError (exit 2)', (argv, message) => {
    expect(() => parseAgentArgs(argv, {})).toThrow(message);
    try {
      parseAgentArgs(argv, {});
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(2);
    }
  });

  it('reads the platform role: no platform URL, an optional hub endpoint', () => {
    expect(parseAgentArgs(['--role', 'platform'], {})).toEqual({ role: 'platform', stateDir: DEFAULT_STATE_DIR, logLevel: 'info' });
    expect(parseAgentArgs(['--role', 'platform', '--endpoint', '[fd5e:7e57::1]:51820'], {})).toMatchObject({ endpoint: '[fd5e:7e57::1]:51820' });
    expect(parseAgentArgs(['--role', 'platform'], { POWERNODE_HUB_ENDPOINT: '198.18.0.1:51820' })).toMatchObject({ endpoint: '198.18.0.1:51820' });
  });

  it('never repeats the token in its error', () => {
    const secret = 'pnb1.zz.' + 'q'.repeat(40);
    expect(() => parseAgentArgs(['--platform-url', 'https://h:1', '--bootstrap-token', secret], {})).toThrow(expect.objectContaining({ message: expect.not.stringContaining('qqqq') }));
  });
});
