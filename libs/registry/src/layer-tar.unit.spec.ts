import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { buildLayer } from './layer-tar.js';
import { sha256Digest } from './image.js';

async function listEntries(bytes: Buffer): Promise<{ name: string; type: string; linkname?: string | null; mode?: number; body: string }[]> {
  const extract = tar.extract();
  const found: { name: string; type: string; linkname?: string | null; mode?: number; body: string }[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      found.push({ name: entry.header.name, type: entry.header.type ?? 'file', linkname: entry.header.linkname, mode: entry.header.mode, body: Buffer.concat(chunks).toString() });
    }
  })();
  extract.end(bytes);
  await done;
  return found;
}

describe('buildLayer', () => {
  const entries = [
    { type: 'directory' as const, path: 'bin' },
    { type: 'file' as const, path: 'bin/tool', content: Buffer.from('#!x'), mode: 0o755 },
    { type: 'symlink' as const, path: 'bin/sh', target: 'tool' },
  ];

  it('packs files, directories and symlinks, and gzips the same tar', async () => {
    const sut = await buildLayer(entries, new Date('2024-01-01T00:00:00Z'));
    expect(gunzipSync(sut.gzip).equals(sut.tar)).toBe(true);
    expect(await listEntries(sut.tar)).toEqual([
      { name: 'bin', type: 'directory', linkname: null, mode: 0o755, body: '' },
      { name: 'bin/tool', type: 'file', linkname: null, mode: 0o755, body: '#!x' },
      { name: 'bin/sh', type: 'symlink', linkname: 'tool', mode: 0o777, body: '' },
    ]);
  });

  it('is reproducible: same inputs, same digests', async () => {
    const [a, b] = await Promise.all([buildLayer(entries, new Date(0)), buildLayer(entries, new Date(0))]);
    expect(sha256Digest(a.tar)).toBe(sha256Digest(b.tar));
    expect(sha256Digest(a.gzip)).toBe(sha256Digest(b.gzip));
  });
});
