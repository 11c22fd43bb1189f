import { dockerActions, PlatformError } from '@powernode/contracts';
import { buildCreateBody, commandOf } from './container-spec.js';
import { privilegedReasons } from './privileged-reasons.js';

const overlay = 'fd00:aa:bb::2';
const input = (fields: Record<string, unknown>) => dockerActions.dockerCreateContainer.input.parse({ image: 'nginx', ...fields });

function failure(run: () => unknown): PlatformError {
  try {
    run();
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error('expected a PlatformError');
}

describe(buildCreateBody.name, () => {
  describe('image and tag', () => {
    it.each([
      ['nginx', undefined, 'nginx'],
      ['nginx', '1.27', 'nginx:1.27'],
      ['nginx:1.27', undefined, 'nginx:1.27'],
      ['registry.example:5000/team/app', 'v2', 'registry.example:5000/team/app:v2'],
      ['registry.example:5000/team/app', undefined, 'registry.example:5000/team/app'],
      [`app@sha256:${'a'.repeat(64)}`, undefined, `app@sha256:${'a'.repeat(64)}`],
    ])('%s + tag %s → %s', (image, tag, expected) => {
      const sut = buildCreateBody(input({ image, tag }), overlay, false);
      expect(sut.image).toBe(expected);
      expect(sut.body.Image).toBe(expected);
    });

    it.each([
      ['nginx:1.27', 'latest'],
      [`app@sha256:${'a'.repeat(64)}`, 'v1'],
      ['registry.example:5000/app:v1', 'v2'],
    ])('refuses tag %s on %s which already names one', (image, tag) => {
      const error = failure(() => buildCreateBody(input({ image, tag }), overlay, false));
      expect(error.code).toBe('InvalidInput');
      expect(error.message).toContain(image);
    });
  });

  describe('ports', () => {
    it('binds every published port to the overlay address only, and exposes it', () => {
      const sut = buildCreateBody(input({ ports: [{ host: 8080, container: 80 }, { host: 5353, container: 53, protocol: 'udp' }, { host: 8443, container: 80 }] }), overlay, false);
      expect(sut.body.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
      expect((sut.body.HostConfig as Record<string, unknown>).PortBindings).toEqual({
        '80/tcp': [
          { HostIp: overlay, HostPort: '8080' },
          { HostIp: overlay, HostPort: '8443' },
        ],
        '53/udp': [{ HostIp: overlay, HostPort: '5353' }],
      });
      expect(sut.published).toEqual([
        { host_ip: overlay, host: 8080, container: 80, protocol: 'tcp' },
        { host_ip: overlay, host: 8443, container: 80, protocol: 'tcp' },
        { host_ip: overlay, host: 5353, container: 53, protocol: 'udp' },
      ]);
    });

    it('refuses the same host port and protocol twice, naming it', () => {
      const error = failure(() => buildCreateBody(input({ ports: [{ host: 8080, container: 80 }, { host: 8080, container: 81 }, { host: 8080, container: 82, protocol: 'udp' }] }), overlay, false));
      expect(error.code).toBe('InvalidInput');
      expect(error.details).toEqual({ duplicates: ['8080/tcp'] });
    });

    it.each([
      ['0.0.0.0', { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] }],
      ['::', { '80/tcp': [{ HostIp: '::', HostPort: '8080' }] }],
      ['empty (every address)', { '80/tcp': [{ HostPort: '8080' }] }],
      ['another address', { '80/tcp': [{ HostIp: 'fd00:aa:bb::3', HostPort: '8080' }] }],
    ])('keeps published ports on the overlay even for privileged params: HostIp %s is refused', (_, PortBindings) => {
      const error = failure(() => buildCreateBody(input({ params: { HostConfig: { PortBindings } } }), overlay, true));
      expect(error.code).toBe('InvalidInput');
      expect(error.message).toContain('overlay');
    });

    it('refuses PublishAllPorts, which binds every address, even for privileged params', () => {
      expect(failure(() => buildCreateBody(input({ params: { HostConfig: { PublishAllPorts: true } } }), overlay, true)).code).toBe('InvalidInput');
    });

    it('reports the ports privileged params publish on the overlay', () => {
      const sut = buildCreateBody(input({ ports: [{ host: 1, container: 1 }], params: { HostConfig: { PortBindings: { '9000/tcp': [{ HostIp: overlay, HostPort: '9001' }] } } } }), overlay, true);
      expect(sut.published).toEqual([{ host_ip: overlay, host: 9001, container: 9000, protocol: 'tcp' }]);
    });
  });

  describe('env, cmd, labels, restart policy', () => {
    it('turns an env record into K=V and keeps an env list', () => {
      expect(buildCreateBody(input({ env: { A: '1', B: 'x=y' } }), overlay, false).body.Env).toEqual(['A=1', 'B=x=y']);
      expect(buildCreateBody(input({ env: ['A=1'] }), overlay, false).body.Env).toEqual(['A=1']);
    });

    it.each([
      ['nginx', ['nginx']],
      ['echo hi && sleep 1', ['sh', '-c', 'echo hi && sleep 1']],
      [['echo', 'hi there'], ['echo', 'hi there']],
    ])('cmd %j → %j', (cmd, expected) => {
      expect(commandOf(cmd)).toEqual(expected);
      expect(buildCreateBody(input({ cmd }), overlay, false).body.Cmd).toEqual(expected);
    });

    it('sets labels and leaves absent fields out of the body', () => {
      const sut = buildCreateBody(input({ labels: { team: 'a' } }), overlay, false);
      expect(sut.body.Labels).toEqual({ team: 'a' });
      expect(sut.body).not.toHaveProperty('Env');
      expect(sut.body).not.toHaveProperty('Cmd');
      expect(sut.body.HostConfig).not.toHaveProperty('RestartPolicy');
      expect(sut.privilegedParams).toBe(false);
    });

    it.each([
      ['always', { Name: 'always' }],
      ['unless-stopped', { Name: 'unless-stopped' }],
      ['on-failure', { Name: 'on-failure', MaximumRetryCount: 5 }],
    ])('restart_policy %s → %j', (restart_policy, expected) => {
      expect((buildCreateBody(input({ restart_policy }), overlay, false).body.HostConfig as Record<string, unknown>).RestartPolicy).toEqual(expected);
    });

    it('lets privileged params set the retry count', () => {
      const sut = buildCreateBody(input({ restart_policy: 'on-failure', params: { HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } } } }), overlay, true);
      expect((sut.body.HostConfig as Record<string, unknown>).RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 2 });
    });
  });

  describe('guard rails', () => {
    const dangerous: Array<[string, Record<string, unknown>]> = [
      ['Privileged', { Privileged: true }],
      ['NetworkMode host', { NetworkMode: 'host' }],
      ['PidMode host', { PidMode: 'host' }],
      ['IpcMode host', { IpcMode: 'host' }],
      ['UTSMode host', { UTSMode: 'host' }],
      ['UsernsMode host', { UsernsMode: 'host' }],
      ['CgroupnsMode host', { CgroupnsMode: 'host' }],
      ['a host path bind', { Binds: ['/etc:/host-etc:ro'] }],
      ['a bind mount', { Mounts: [{ Type: 'bind', Source: '/', Target: '/host' }] }],
      ['a local-driver volume over a host path', { Mounts: [{ Type: 'volume', Source: 'v', Target: '/v', VolumeOptions: { DriverConfig: { Name: 'local', Options: { o: 'bind', device: '/' } } } }] }],
      ['Devices', { Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }] }],
      ['CapAdd ALL', { CapAdd: ['ALL'] }],
      ['CapAdd SYS_ADMIN', { CapAdd: ['CAP_SYS_ADMIN'] }],
      ['CapAdd NET_ADMIN', { CapAdd: ['net_admin'] }],
      ['CapAdd BPF', { CapAdd: ['BPF'] }],
      ['seccomp unconfined', { SecurityOpt: ['seccomp=unconfined'] }],
      ['apparmor unconfined', { SecurityOpt: ['apparmor:unconfined'] }],
      ['VolumeDriver', { VolumeDriver: 'rexray' }],
      ['unmasked paths', { MaskedPaths: [] }],
    ];

    it.each(dangerous)('%s is Forbidden without privilege, with the reason', (_, hostConfig) => {
      const error = failure(() => buildCreateBody(input({ params: { HostConfig: hostConfig } }), overlay, false));
      expect(error.code).toBe('Forbidden');
      expect(error.details?.reasons).toEqual(['raw params', ...privilegedReasons({ HostConfig: hostConfig })]);
      expect(privilegedReasons({ HostConfig: hostConfig })).toHaveLength(1);
    });

    it.each(dangerous)('%s is allowed with privilege', (_, hostConfig) => {
      const sut = buildCreateBody(input({ params: { HostConfig: hostConfig } }), overlay, true);
      expect(sut.body.HostConfig).toMatchObject(hostConfig);
      expect(sut.privilegedParams).toBe(true);
    });

    it.each([
      ['a named volume', { Binds: ['data:/data'] }],
      ['a harmless capability', { CapAdd: ['NET_BIND_SERVICE'] }],
      ['a tmpfs mount', { Mounts: [{ Type: 'tmpfs', Target: '/tmp' }] }],
      ['no-new-privileges', { SecurityOpt: ['no-new-privileges'] }],
      ['a bridge network', { NetworkMode: 'bridge' }],
    ])('%s is no privileged reason', (_, hostConfig) => {
      expect(privilegedReasons({ HostConfig: hostConfig })).toEqual([]);
    });

    it('refuses any raw params without privilege, harmless ones too', () => {
      const error = failure(() => buildCreateBody(input({ params: { WorkingDir: '/srv' } }), overlay, false));
      expect(error.code).toBe('Forbidden');
      expect(error.details).toEqual({ reasons: ['raw params'] });
    });

    it('merges params over the body: top-level keys replace, HostConfig keys merge', () => {
      const sut = buildCreateBody(input({ env: ['A=1'], ports: [{ host: 80, container: 80 }], params: { Env: ['B=2'], WorkingDir: '/srv', HostConfig: { Memory: 1024 } } }), overlay, true);
      expect(sut.body).toMatchObject({ Env: ['B=2'], WorkingDir: '/srv', HostConfig: { Memory: 1024, PortBindings: { '80/tcp': [{ HostIp: overlay, HostPort: '80' }] } } });
    });

    it('refuses params keys spelt in another letter case, which dockerd would read all the same', () => {
      const error = failure(() => buildCreateBody(input({ params: { hostconfig: { privileged: true } } }), overlay, true));
      expect(error.code).toBe('InvalidInput');
      expect(error.message).toContain('hostconfig');
      const nested = failure(() => buildCreateBody(input({ params: { HostConfig: { privileged: true } } }), overlay, true));
      expect(nested.details).toEqual({ keys: ['HostConfig.privileged (write Privileged)'] });
    });

    it('refuses params replacing the image', () => {
      expect(failure(() => buildCreateBody(input({ params: { Image: 'other' } }), overlay, true)).code).toBe('InvalidInput');
    });
  });
});
