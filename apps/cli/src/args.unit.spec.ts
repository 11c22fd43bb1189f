import { parseCommandArgs, parseEnv, parsePort } from './args.js';
import { run, runInput } from './commands/run.js';
import { CliError } from './errors.js';

const io = { env: { FROM_SHELL: 'yes' } as Record<string, string | undefined> };
const runArgs = (argv: string[]) => runInput({ args: parseCommandArgs(argv, run.options), io: io as never });

describe('parseCommandArgs', () => {
  it('parses run with repeated -p and -e, -d, and keeps the command after -- untouched', () => {
    const sut = runArgs(['reg:5000/web:1', '--name', 'web', '-p', '8080:80', '-p', '5353:53/udp', '-e', 'A=1=2', '-e', 'FROM_SHELL', '-d', '--host', 'host-x', '--', 'httpd', '-f', '--json']);
    expect(sut).toEqual({
      image: 'reg:5000/web:1',
      name: 'web',
      host_id: 'host-x',
      ports: [
        { host: 8080, container: 80, protocol: 'tcp' },
        { host: 5353, container: 53, protocol: 'udp' },
      ],
      env: { A: '1=2', FROM_SHELL: 'yes' },
      cmd: ['httpd', '-f', '--json'],
      detach: true,
    });
  });

  it('leaves out what was not given', () => {
    expect(runArgs(['busybox'])).toEqual({ image: 'busybox', ports: [], detach: false });
  });

  it('refuses unknown options and stray words as usage errors (exit 2)', () => {
    expect(() => parseCommandArgs(['--bogus'], run.options)).toThrow(expect.objectContaining({ code: 'Usage', exitCode: 2 }));
    expect(() => runArgs(['busybox', 'httpd'])).toThrow(/after --/);
    expect(() => runArgs([])).toThrow(CliError);
  });

  it('takes --json and --url on every command', () => {
    const sut = parseCommandArgs(['--json', '--url', 'http://x:1'], {});
    expect(sut.values).toMatchObject({ json: true, url: 'http://x:1' });
  });
});

describe(parsePort.name, () => {
  it.each([
    ['8080:80', { host: 8080, container: 80, protocol: 'tcp' }],
    ['8080:80/udp', { host: 8080, container: 80, protocol: 'udp' }],
    ['1:65535/sctp', { host: 1, container: 65535, protocol: 'sctp' }],
  ])('%s', (spec, expected) => expect(parsePort(spec)).toEqual(expected));

  it.each(['80', '0:80', '8080:70000', '8080:80/icmp', 'a:b', '127.0.0.1:8080:80'])('refuses %s', (spec) => {
    expect(() => parsePort(spec)).toThrow(expect.objectContaining({ code: 'Usage' }));
  });
});

describe(parseEnv.name, () => {
  it('splits on the first = and reads bare names from the environment', () => {
    expect(parseEnv(['K=V', 'EMPTY=', 'URL=a=b', 'FROM_SHELL'], io.env)).toEqual({ K: 'V', EMPTY: '', URL: 'a=b', FROM_SHELL: 'yes' });
  });

  it('refuses bad names and unset bare names', () => {
    expect(() => parseEnv(['1A=x'], io.env)).toThrow(/variable name/);
    expect(() => parseEnv(['NOT_SET_HERE'], io.env)).toThrow(/not set/);
  });
});
