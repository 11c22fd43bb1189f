import { createHash } from 'node:crypto';
import { CONFIG_V1, LAYER_TAR_GZIP, MANIFEST_V2, assembleImage, blobOf } from './image.js';

describe('assembleImage', () => {
  it('names config and layers by digest and size, and digests the exact manifest bytes', () => {
    const config = blobOf(CONFIG_V1, Buffer.from('{"os":"linux"}'));
    const layer = blobOf(LAYER_TAR_GZIP, Buffer.from('layer'));
    const sut = assembleImage('powernode/x', ['1', 'latest'], config, [layer]);
    expect(JSON.parse(sut.manifest.toString())).toEqual({
      schemaVersion: 2,
      mediaType: MANIFEST_V2,
      config: { mediaType: CONFIG_V1, size: 14, digest: `sha256:${createHash('sha256').update('{"os":"linux"}').digest('hex')}` },
      layers: [{ mediaType: LAYER_TAR_GZIP, size: 5, digest: `sha256:${createHash('sha256').update('layer').digest('hex')}` }],
    });
    expect(sut.manifestDigest).toBe(`sha256:${createHash('sha256').update(sut.manifest).digest('hex')}`);
  });
});
