import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPath, DEFAULT_URL, readConfig, resolveConnection, writeConfig } from './config.js';

describe('config', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'powernode-cli-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  it('writes the token 0600 in a 0700 directory, also over a looser existing file', async () => {
    const io = { env: {}, home };
    await mkdir(join(home, '.powernode'), { mode: 0o755 });
    await writeFile(join(home, '.powernode', 'config.json'), '{}', { mode: 0o644 });
    const sut = await writeConfig(io, { url: 'http://gw:8080', token: 't0k' });
    expect(sut).toBe(configPath(io));
    expect((await stat(sut)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, '.powernode'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(sut, 'utf8'))).toEqual({ url: 'http://gw:8080', token: 't0k' });
    expect(await readConfig(io)).toEqual({ url: 'http://gw:8080', token: 't0k' });
  });

  it('reads a missing config as empty and a broken one as an error naming the file', async () => {
    expect(await readConfig({ env: {}, home })).toEqual({});
    await mkdir(join(home, '.powernode'));
    await writeFile(join(home, '.powernode', 'config.json'), 'not json');
    await expect(readConfig({ env: {}, home })).rejects.toMatchObject({ code: 'ConfigError', message: expect.stringContaining('config.json') });
  });

  it('lets POWERNODE_HOME move the config', async () => {
    const io = { env: { POWERNODE_HOME: join(home, 'elsewhere') }, home };
    expect(await writeConfig(io, { token: 'x' })).toBe(join(home, 'elsewhere', 'config.json'));
  });

  it('resolves --url over POWERNODE_URL over the config over the default, and the env token over the stored one', () => {
    const config = { url: 'http://stored:1/', token: 'stored' };
    expect(resolveConnection({ env: {} }, {})).toEqual({ url: DEFAULT_URL });
    expect(resolveConnection({ env: {} }, config)).toEqual({ url: 'http://stored:1', token: 'stored' });
    expect(resolveConnection({ env: { POWERNODE_URL: 'http://env:2', POWERNODE_TOKEN: 'env' } }, config)).toEqual({ url: 'http://env:2', token: 'env' });
    expect(resolveConnection({ env: { POWERNODE_URL: 'http://env:2' } }, config, 'http://flag:3')).toEqual({ url: 'http://flag:3', token: 'stored' });
  });
});
