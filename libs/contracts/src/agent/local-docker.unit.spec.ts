import { createHash } from 'node:crypto';
import { DOCKER_SHORT_EXEC_ROOT_BASE, dockerCgroupParent, dockerExecRoot, dockerRootKey } from './local-docker.js';

describe(dockerCgroupParent.name, () => {
  it('is /powernode/<first 16 hex of the SHA-256 of the docker root>', () => {
    const key = createHash('sha256').update('/srv/pn/instances/inst-1/docker').digest('hex').slice(0, 16);
    expect(dockerCgroupParent('/srv/pn/instances/inst-1/docker')).toBe(`/powernode/${key}`);
  });

  it('differs per docker root and ignores a trailing slash', () => {
    expect(dockerCgroupParent('/s/a/docker')).not.toBe(dockerCgroupParent('/s/b/docker'));
    expect(dockerCgroupParent('/s/a/docker/')).toBe(dockerCgroupParent('/s/a/docker'));
  });

  it('refuses a relative docker root (agent and provider would hash different strings)', () => {
    expect(() => dockerCgroupParent('inst-1/docker')).toThrow(expect.objectContaining({ code: 'InvalidInput' }));
  });
});

describe(dockerExecRoot.name, () => {
  it('is <root>/exec while that is short enough for a unix socket', () => {
    expect(dockerExecRoot('/st/docker')).toBe('/st/docker/exec');
  });

  it('moves a long one to /run/powernode-docker/<the same key as the cgroup parent>', () => {
    const long = `/${'x'.repeat(80)}`;
    expect(dockerExecRoot(long)).toBe(`${DOCKER_SHORT_EXEC_ROOT_BASE}/${dockerRootKey(long)}`);
    expect(`${dockerExecRoot(long)}/containerd/containerd.sock.ttrpc`.length).toBeLessThanOrEqual(107);
  });
});
