import { createHash } from 'node:crypto';

export const MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
export const CONFIG_V1 = 'application/vnd.docker.container.image.v1+json';
export const LAYER_TAR_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** Content-addressed bytes as the registry stores them. */
export interface Blob {
  mediaType: string;
  digest: string;
  bytes: Buffer;
}

/** A complete Docker v2 (schema 2) image, ready to push: every blob plus the manifest that names them. */
export interface ImageArtifact {
  /** Repository path without registry host, e.g. `powernode/busybox-httpd`. */
  repository: string;
  tags: string[];
  config: Blob;
  layers: Blob[];
  manifest: Buffer;
  manifestDigest: string;
}

/** `sha256:<hex>` of some bytes: the registry's content address. */
export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A blob with its digest computed from its bytes (never trusted from elsewhere). */
export function blobOf(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256Digest(bytes), bytes };
}

/** Assembles the schema-2 manifest over a config and layers; its digest is over the exact bytes pushed. */
export function assembleImage(repository: string, tags: string[], config: Blob, layers: Blob[]): ImageArtifact {
  const describe = (blob: Blob) => ({ mediaType: blob.mediaType, size: blob.bytes.length, digest: blob.digest });
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST_V2, config: describe(config), layers: layers.map(describe) }));
  return { repository, tags, config, layers, manifest, manifestDigest: sha256Digest(manifest) };
}
