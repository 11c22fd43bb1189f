import { readFile, stat } from 'node:fs/promises';
import { debianArchitecture, debianPackageVersion, debianVersionTag } from './debian-package.js';
import { CONFIG_V1, LAYER_TAR_GZIP, assembleImage, blobOf, sha256Digest, type ImageArtifact } from './image.js';
import { buildLayer } from './layer-tar.js';

export const SEED_REPOSITORY = 'powernode/busybox-httpd';
const BUSYBOX = '/bin/busybox';
const BUSYBOX_PACKAGE = 'busybox-static';

export interface SeedImageOptions {
  repository?: string;
  /** The statically linked busybox to ship (Debian's busybox-static by default). */
  busyboxPath?: string;
}

/**
 * Builds the platform's seed image from what Debian installed, with no daemon and no download: one layer with a
 * static busybox, its `sh` and `httpd` links and a page naming the image; `httpd` serves it on port 80.
 * Tagged with the busybox-static version it really contains, and `latest`.
 */
export async function seedImage(options: SeedImageOptions = {}): Promise<ImageArtifact> {
  const repository = options.repository ?? SEED_REPOSITORY;
  const busyboxPath = options.busyboxPath ?? BUSYBOX;
  const [busybox, version, architecture, info] = await Promise.all([
    readFile(busyboxPath),
    debianPackageVersion(BUSYBOX_PACKAGE),
    debianArchitecture(),
    stat(busyboxPath),
  ]);
  const tag = debianVersionTag(version);
  // The binary's own mtime dates the image, so rebuilding from the same package gives the same digests.
  const created = new Date(Math.floor(info.mtimeMs / 1000) * 1000);
  const page = Buffer.from(indexPage(`${repository}:${tag}`, version));
  const layer = await buildLayer(
    [
      { type: 'directory', path: 'bin' },
      { type: 'file', path: 'bin/busybox', content: busybox, mode: 0o755 },
      { type: 'symlink', path: 'bin/sh', target: 'busybox' },
      { type: 'symlink', path: 'bin/httpd', target: 'busybox' },
      { type: 'directory', path: 'www' },
      { type: 'file', path: 'www/index.html', content: page },
      { type: 'directory', path: 'tmp', mode: 0o1777 },
    ],
    created,
  );
  const config = {
    architecture,
    os: 'linux',
    created: created.toISOString(),
    config: {
      Env: ['PATH=/bin'],
      Cmd: ['/bin/httpd', '-f', '-p', '80', '-h', '/www'],
      ExposedPorts: { '80/tcp': {} },
      WorkingDir: '/',
      Labels: {
        'org.opencontainers.image.title': repository,
        'org.opencontainers.image.version': version,
        'org.opencontainers.image.description': `Debian ${BUSYBOX_PACKAGE} ${version} httpd serving /www`,
      },
    },
    rootfs: { type: 'layers', diff_ids: [sha256Digest(layer.tar)] },
    history: [{ created: created.toISOString(), created_by: `powernode seedImage: ${BUSYBOX_PACKAGE} ${version} (${busyboxPath}) + /www/index.html` }],
  };
  return assembleImage(repository, [tag, 'latest'], blobOf(CONFIG_V1, Buffer.from(JSON.stringify(config))), [blobOf(LAYER_TAR_GZIP, layer.gzip)]);
}

function indexPage(reference: string, version: string): string {
  return `<!doctype html>
<html><head><title>${reference}</title></head>
<body><h1>${reference}</h1><p>Served by busybox httpd from Debian busybox-static ${version}, via the Powernode platform registry.</p></body></html>
`;
}
