import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

/** One entry of an image layer; everything is owned by root. */
export type LayerEntry =
  | { type: 'directory'; path: string; mode?: number }
  | { type: 'file'; path: string; content: Buffer; mode?: number }
  | { type: 'symlink'; path: string; target: string };

export interface Layer {
  /** The uncompressed tar: its sha256 is the layer's diff_id. */
  tar: Buffer;
  /** The gzip of `tar`: what the registry stores and the manifest names. */
  gzip: Buffer;
}

/** Packs entries into a layer tar (fixed mtime, so the same inputs give the same digests) and gzips it. */
export async function buildLayer(entries: readonly LayerEntry[], mtime: Date): Promise<Layer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const entry of entries) {
    const common = { name: entry.path, mtime, uid: 0, gid: 0, uname: 'root', gname: 'root' };
    if (entry.type === 'directory') {
      await addEntry(pack, { ...common, type: 'directory', mode: entry.mode ?? 0o755 });
    } else if (entry.type === 'file') {
      await addEntry(pack, { ...common, type: 'file', mode: entry.mode ?? 0o644, size: entry.content.length }, entry.content);
    } else {
      await addEntry(pack, { ...common, type: 'symlink', mode: 0o777, linkname: entry.target });
    }
  }
  pack.finalize();
  await collected;
  const tarBytes = Buffer.concat(chunks);
  // Node's gzip header carries no timestamp, so the compressed layer is reproducible too.
  return { tar: tarBytes, gzip: gzipSync(tarBytes, { level: 9 }) };
}

function addEntry(pack: tar.Pack, header: Partial<tar.Header> & Pick<tar.Header, 'name'>, content?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const callback = (error?: Error | null) => (error ? reject(error) : resolve());
    if (content === undefined) pack.entry(header, callback);
    else pack.entry(header, content, callback);
  });
}
