import { DEFAULT_STATE_DIR, dialHost, parseAgentArgs } from './cli-args.js';
import { UsageError } from './errors.js';

const TOKEN = `pnb1.${'a'.repeat(64)}.${'s'.repeat(43)}`;

describe(parseAgentArgs.name, () => {
  it('reads flags, with defaults', () => {
    const sut = parseAgentArgs(['--platform-url', 'https://10.0.0.1:8443', '--bootstrap-token', TOKEN], {});
    expect(sut).toEqual({ platformUrl: new URL('https://10.0.0.1:8443'), bootstrapToken: TOKEN, stateDir: DEFAULT_STATE_DIR, role: 'node', logLevel: 'info' });
  });

  it('accepts an IPv6 literal and dials it without brackets', () => {
    const sut = parseAgentArgs(['--platform-url', 'https://[fd5e:7e57:0:1::1]:8443'], {});
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
    [['--platform-url', 'https://h:1', '--role', 'platform'], /not supported yet/],
    [['--platform-url', 'https://h:1', '--role', 'hub'], /--role must be/],
    [['--platform-url', 'https://h:1', '--log-level', 'loud'], /--log-level/],
    [['--platform-url', 'https://h:1', '--unknown'], /Unknown option/],
  ])('rejects %j with a UsageError (exit 2)', (argv, message) => {
    expect(() => parseAgentArgs(argv, {})).toThrow(message);
    try {
      parseAgentArgs(argv, {});
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(2);
    }
  });

  it('never repeats the token in its error', () => {
    const secret = 'pnb1.zz.' + 'q'.repeat(40);
    expect(() => parseAgentArgs(['--platform-url', 'https://h:1', '--bootstrap-token', secret], {})).toThrow(expect.objectContaining({ message: expect.not.stringContaining('qqqq') }));
  });
});
