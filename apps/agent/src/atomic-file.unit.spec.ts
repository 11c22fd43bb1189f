import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

describe(writeFileAtomic.name, () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'pn-atomic-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes the content with the exact mode and leaves no temporary file', async () => {
    await writeFileAtomic(join(dir, 'key.pem'), 'secret', 0o600);
    expect(await readFile(join(dir, 'key.pem'), 'utf8')).toBe('secret');
    expect((await stat(join(dir, 'key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['key.pem']);
  });

  it('replaces an existing file whole, narrowing its mode', async () => {
    await writeFile(join(dir, 'desired.json'), 'old', { mode: 0o666 });
    await writeFileAtomic(join(dir, 'desired.json'), 'new', 0o640);
    expect(await readFile(join(dir, 'desired.json'), 'utf8')).toBe('new');
    expect((await stat(join(dir, 'desired.json'))).mode & 0o777).toBe(0o640);
  });

  it('fails without leaving a temporary file behind', async () => {
    await expect(writeFileAtomic(join(dir, 'missing-dir', 'x'), 'y')).rejects.toThrow();
    await mkdir(join(dir, 'target')); // renaming a file over a non-empty directory fails
    await writeFile(join(dir, 'target', 'keep'), 'k');
    await expect(writeFileAtomic(join(dir, 'target'), 'new')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['target']);
  });
});
