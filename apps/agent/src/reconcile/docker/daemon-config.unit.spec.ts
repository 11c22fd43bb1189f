import { dockerCgroupParent } from '@powernode/contracts';
import { LOCAL_DAEMON_KEYS, localDaemonKeys, renderDaemonJson } from './daemon-config.js';
import { dockerPaths } from './docker-paths.js';

const PLATFORM = {
  hosts: ['tcp://[fd00:aaaa::5]:2376'],
  tls: true,
  tlsverify: true,
  tlscacert: '/srv/pn/docker/tls/ca.pem',
  tlscert: '/srv/pn/docker/tls/server-cert.pem',
  tlskey: '/srv/pn/docker/tls/server-key.pem',
  'live-restore': true,
  'log-level': 'warn',
};

describe(renderDaemonJson.name, () => {
  it('adds only data-root, exec-root, pidfile and cgroup-parent under the docker root and leaves the platform keys untouched', () => {
    const sut = JSON.parse(renderDaemonJson(PLATFORM, localDaemonKeys(dockerPaths('/srv/pn/agent', '/srv/pn/docker'))));
    expect(sut).toEqual({
      ...PLATFORM,
      'data-root': '/srv/pn/docker/data',
      'exec-root': '/srv/pn/docker/exec',
      pidfile: '/srv/pn/docker/dockerd.pid',
      'cgroup-parent': dockerCgroupParent('/srv/pn/docker'),
    });
    expect(Object.keys(sut).filter((key) => !(key in PLATFORM))).toEqual([...LOCAL_DAEMON_KEYS]);
  });

  it('adds nothing without a docker root: the system defaults apply', () => {
    expect(localDaemonKeys(dockerPaths('/var/lib/powernode-agent'))).toEqual({});
    expect(JSON.parse(renderDaemonJson(PLATFORM, {}))).toEqual(PLATFORM);
  });

  it('keeps the local roots even if the platform configuration names others (two daemons must never share one)', () => {
    const sut = JSON.parse(renderDaemonJson({ ...PLATFORM, 'data-root': '/var/lib/docker' }, localDaemonKeys(dockerPaths('/s', '/srv/d'))));
    expect(sut['data-root']).toBe('/srv/d/data');
  });

  it('keeps its cgroup parent over the platform’s, in any spelling dockerd would decode as the same key', () => {
    const platform = { ...PLATFORM, 'cgroup-parent': '/elsewhere', 'Cgroup-Parent': '/elsewhere', cgroup_parent: '/elsewhere', 'DATA-ROOT': '/var/lib/docker' };
    const sut = JSON.parse(renderDaemonJson(platform, localDaemonKeys(dockerPaths('/s', '/srv/d'))));
    expect(sut).toEqual({ ...PLATFORM, ...localDaemonKeys(dockerPaths('/s', '/srv/d')) });
    expect(sut['cgroup-parent']).toBe(dockerCgroupParent('/srv/d'));
  });

  it('refuses to add any other key', () => {
    expect(() => renderDaemonJson(PLATFORM, { hosts: 'unix:///var/run/docker.sock' } as never)).toThrow(/only data-root, exec-root, pidfile, cgroup-parent/);
  });
});
