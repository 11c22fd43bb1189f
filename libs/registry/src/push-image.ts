import { PlatformError } from '@powernode/contracts';
import { MANIFEST_V2, type Blob, type ImageArtifact } from './image.js';
import { header, registryRequest, type RegistryResponse, type RegistryTls } from './registry-http.js';

export interface PushedImage {
  repository: string;
  manifestDigest: string;
  /** Pullable references, `<host:port>/<repository>:<tag>`, one per tag. */
  references: string[];
  /** Blobs the registry already had (HEAD answered 200), so were not uploaded again. */
  skippedBlobs: string[];
}

/** Pushes an image through the registry HTTP API v2: missing blobs by monolithic upload, then the manifest per tag. */
export async function pushImage(registryUrl: string, tls: RegistryTls, image: ImageArtifact): Promise<PushedImage> {
  const base = new URL(registryUrl);
  const skippedBlobs: string[] = [];
  for (const blob of [image.config, ...image.layers]) {
    if (await blobExists(base, tls, image.repository, blob)) skippedBlobs.push(blob.digest);
    else await uploadBlob(base, tls, image.repository, blob);
  }
  for (const tag of image.tags) {
    const response = await registryRequest(new URL(`/v2/${image.repository}/manifests/${tag}`, base), tls, {
      method: 'PUT',
      headers: { 'content-type': MANIFEST_V2 },
      body: image.manifest,
    });
    expectStatus(response, 201, `PUT manifest ${image.repository}:${tag}`);
    const stored = header(response, 'docker-content-digest');
    if (stored !== image.manifestDigest) {
      throw new PlatformError('Internal', `registry stored ${image.repository}:${tag} as ${stored}, expected ${image.manifestDigest}`);
    }
  }
  return {
    repository: image.repository,
    manifestDigest: image.manifestDigest,
    references: image.tags.map((tag) => `${base.host}/${image.repository}:${tag}`),
    skippedBlobs,
  };
}

async function blobExists(base: URL, tls: RegistryTls, repository: string, blob: Blob): Promise<boolean> {
  const response = await registryRequest(new URL(`/v2/${repository}/blobs/${blob.digest}`, base), tls, { method: 'HEAD' });
  if (response.status === 404) return false;
  expectStatus(response, 200, `HEAD blob ${blob.digest}`);
  return true;
}

async function uploadBlob(base: URL, tls: RegistryTls, repository: string, blob: Blob): Promise<void> {
  const started = await registryRequest(new URL(`/v2/${repository}/blobs/uploads/`, base), tls, { method: 'POST' });
  expectStatus(started, 202, `start upload of ${blob.digest}`);
  const location = header(started, 'location');
  if (location === undefined) throw new PlatformError('Internal', `registry gave no upload location for ${blob.digest}`);
  // The Location may be relative and already carries the upload state in its query: append the digest to it.
  const target = new URL(location, base);
  target.searchParams.set('digest', blob.digest);
  const finished = await registryRequest(target, tls, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: blob.bytes,
  });
  expectStatus(finished, 201, `upload of ${blob.digest}`);
}

function expectStatus(response: RegistryResponse, status: number, what: string): void {
  if (response.status === status) return;
  const text = response.body.toString('utf8').slice(0, 500);
  throw new PlatformError('ServiceUnavailable', `registry refused ${what}: HTTP ${response.status} ${text}`.trim());
}
