import { mountsUnder } from './docker-leftovers.js';

const line = (id: number, point: string, type = 'overlay') => `${id} 30 0:${id} / ${point} rw,relatime shared:1 - ${type} ${type} rw`;

describe(mountsUnder.name, () => {
  const mountinfo = [
    line(1, '/', 'ext4'),
    line(2, '/st/i1/docker/data', 'ext4'),
    line(3, '/st/i1/docker/data/overlay2/abc/merged'),
    line(4, '/st/i1/docker/exec/netns/4a52', 'nsfs'),
    line(5, '/st/i1/dockerx/data', 'ext4'),
    line(6, '/st/i10/docker/data', 'ext4'),
    line(7, '/run/powernode-docker/0123456789abcdef/netns/77', 'nsfs'),
    line(8, '/st/i1/docker/data/with\\040space', 'tmpfs'),
    '',
  ].join('\n');

  it('lists the mount points at or below the roots, longest first, and nothing beside them', () => {
    expect(mountsUnder(mountinfo, ['/st/i1/docker', '/run/powernode-docker/0123456789abcdef'])).toEqual([
      '/run/powernode-docker/0123456789abcdef/netns/77',
      '/st/i1/docker/data/overlay2/abc/merged',
      '/st/i1/docker/exec/netns/4a52',
      '/st/i1/docker/data/with space',
      '/st/i1/docker/data',
    ]);
  });

  it('ignores a trailing slash on a root and finds nothing under an unknown one', () => {
    expect(mountsUnder(mountinfo, ['/st/i10/docker/'])).toEqual(['/st/i10/docker/data']);
    expect(mountsUnder(mountinfo, ['/st/i2/docker'])).toEqual([]);
  });
});
