import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REGISTRY_CA_FILE, trustRegistries } from './registry-trust.js';

const ROOT = '-----BEGIN CERTIFICATE-----\nMIIBroot\n-----END CERTIFICATE-----';
const OTHER = '-----BEGIN CERTIFICATE-----\nMIIBother\n-----END CERTIFICATE-----\n';

describe(trustRegistries.name, () => {
  let dir: string;
  const caFile = (address: string) => join(dir, 'certs.d', address, REGISTRY_CA_FILE);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'registry-trust-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes <dir>/<host:port>/ca.crt with the root (0644, directory 0755) for IPv4 and bracketed IPv6 addresses', async () => {
    const sut = await trustRegistries(join(dir, 'certs.d'), ['198.18.0.1:5000', '[fd00::1]:5000'], ROOT);
    expect(sut).toEqual(['198.18.0.1:5000', '[fd00::1]:5000']);
    for (const address of sut) {
      expect(await readFile(caFile(address), 'utf8')).toBe(`${ROOT}\n`);
      expect((await stat(caFile(address))).mode & 0o777).toBe(0o644);
      expect((await stat(join(dir, 'certs.d', address))).mode & 0o777).toBe(0o755);
    }
  });

  it('leaves a file that already holds the root alone (correcting its mode), and writes nothing for no registries', async () => {
    await trustRegistries(join(dir, 'certs.d'), ['198.18.0.1:5000'], ROOT);
    const before = await stat(caFile('198.18.0.1:5000'));
    await chmod(caFile('198.18.0.1:5000'), 0o600);
    expect(await trustRegistries(join(dir, 'certs.d'), ['198.18.0.1:5000'], ROOT)).toEqual([]);
    const after = await stat(caFile('198.18.0.1:5000'));
    expect(after.ino).toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o644);
    expect(await trustRegistries(join(dir, 'none'), [], ROOT)).toEqual([]);
    await expect(stat(join(dir, 'none'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('replaces another content by renaming a new file over it, leaving no temporary file behind', async () => {
    await trustRegistries(join(dir, 'certs.d'), ['198.18.0.1:5000'], ROOT);
    await writeFile(caFile('198.18.0.1:5000'), OTHER);
    const before = await stat(caFile('198.18.0.1:5000'));
    expect(await trustRegistries(join(dir, 'certs.d'), ['198.18.0.1:5000'], ROOT)).toEqual(['198.18.0.1:5000']);
    const after = await stat(caFile('198.18.0.1:5000'));
    expect(after.ino).not.toBe(before.ino); // a new inode: renamed into place, never rewritten in place
    expect(await readFile(caFile('198.18.0.1:5000'), 'utf8')).toBe(`${ROOT}\n`);
    expect(await readdir(join(dir, 'certs.d', '198.18.0.1:5000'))).toEqual([REGISTRY_CA_FILE]);
  });

  it('refuses an address that is not an IP:port, so nothing is written outside the directory', async () => {
    await expect(trustRegistries(join(dir, 'certs.d'), ['../../etc:5000'], ROOT)).rejects.toThrow(/not a registry address/);
    await expect(trustRegistries(join(dir, 'certs.d'), ['registry.example:5000'], ROOT)).rejects.toThrow(/not a registry address/);
    await expect(stat(join(dir, 'certs.d'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
