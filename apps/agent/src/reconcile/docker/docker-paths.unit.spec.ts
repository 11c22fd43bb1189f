import { dockerCgroupParent } from '@powernode/contracts';
import { SHORT_EXEC_ROOT_BASE, daemonRunMode, dockerPaths, execRootFor } from './docker-paths.js';

describe(dockerPaths.name, () => {
  it('puts everything under the docker root when there is one', () => {
    expect(dockerPaths('/st/agent', '/st/docker')).toEqual({
      daemonJson: '/st/docker/daemon.json',
      tlsDir: '/st/docker/tls',
      stateFile: '/st/agent/docker/state.json',
      registryCertsDir: '/etc/docker/certs.d',
      local: { dataRoot: '/st/docker/data', execRoot: '/st/docker/exec', pidfile: '/st/docker/dockerd.pid', cgroupParent: dockerCgroupParent('/st/docker') },
      dockerRoot: '/st/docker',
    });
  });

  it('gives every docker root its own cgroup parent under /powernode, the one the local provider reaps', () => {
    const sut = dockerPaths('/st/a/agent', '/st/a/docker').local?.cgroupParent;
    expect(sut).toMatch(/^\/powernode\/[0-9a-f]{16}$/);
    expect(dockerPaths('/st/b/agent', '/st/b/docker').local?.cgroupParent).not.toBe(sut);
  });

  it("uses /etc/docker and the system's own roots without one", () => {
    expect(dockerPaths('/var/lib/powernode-agent')).toEqual({
      daemonJson: '/etc/docker/daemon.json',
      tlsDir: '/etc/docker/powernode-tls',
      stateFile: '/var/lib/powernode-agent/docker/state.json',
      registryCertsDir: '/etc/docker/certs.d',
    });
    expect(dockerPaths('/st/agent', undefined, '/tmp/certs.d').registryCertsDir).toBe('/tmp/certs.d');
  });

  it('moves an exec-root that would be too long for dockerd’s unix sockets to a short stable path', () => {
    const long = `/${'x'.repeat(80)}`;
    const sut = execRootFor(long);
    expect(sut.startsWith(`${SHORT_EXEC_ROOT_BASE}/`)).toBe(true);
    expect(`${sut}/containerd/containerd.sock.ttrpc`.length).toBeLessThanOrEqual(107);
    expect(execRootFor(long)).toBe(sut);
    expect(execRootFor(`/${'y'.repeat(80)}`)).not.toBe(sut);
  });
});

describe(daemonRunMode.name, () => {
  it.each([
    [undefined, true, 'systemd'],
    [undefined, false, 'supervise'],
    ['/st/docker', true, 'supervise'],
    ['/st/docker', false, 'supervise'],
  ] as const)('docker root %s, systemd %s → %s', (root, systemd, mode) => {
    expect(daemonRunMode(root, systemd)).toBe(mode);
  });
});
