import { SYSTEMD_DROPIN_PATH, systemdDropin } from './systemd-dropin.js';

describe(systemdDropin.name, () => {
  it('clears the packaged ExecStart and starts dockerd without -H fd://', () => {
    const sut = systemdDropin('/usr/sbin/dockerd');
    expect(SYSTEMD_DROPIN_PATH).toBe('/etc/systemd/system/docker.service.d/powernode.conf');
    const directives = sut.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(directives).toEqual(['[Service]', 'ExecStart=', 'ExecStart=/usr/sbin/dockerd']);
    expect(sut).not.toMatch(/^ExecStart=.*-H/m);
    expect(sut).not.toMatch(/^ExecStart=.*fd:\/\//m);
  });

  it('names a daemon.json that is not the default', () => {
    expect(systemdDropin('/usr/sbin/dockerd', '/srv/docker/daemon.json')).toContain('ExecStart=/usr/sbin/dockerd --config-file /srv/docker/daemon.json\n');
  });
});
