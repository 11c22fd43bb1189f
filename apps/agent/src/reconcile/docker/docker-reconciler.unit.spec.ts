import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentProtocol } from '@powernode/contracts';
import { certificateInfo, verifyCsr } from '@powernode/pki';
import { eventually } from '@powernode/testing';
import { pino } from 'pino';
import { PlatformHttpError } from '../../platform-client.js';
import { FakeRuntimePlatform } from '../../testing/fake-runtime-platform.js';
import { DaemonStartError, type DaemonRunner } from './daemon-runner.js';
import type { DockerHostOps } from './docker-host-ops.js';
import { installDocker } from './dockerd-install.js';
import { DockerReconciler, type DockerReconcilerOptions } from './docker-reconciler.js';

const OVERLAY = 'fd00:aaaa:bbbb:1::5';
const FAST = { baseMs: 1, capMs: 5 };
/** A failed pass stays failed for the test's duration (the retry is tested on its own). */
const SLOW_RETRY = { baseMs: 600_000, capMs: 600_000, minMs: 600_000 };

// Pure phase logic: the platform is a fake port (with a real CA, so the TLS files are real), the machine is
// fake operations and a fake dockerd runner. The real dockerd is in dockerd.int.spec.ts.
class FakeRunner implements DaemonRunner {
  readonly mode = 'supervise' as const;
  running = false;
  starts = 0;
  stops = 0;
  failWith: string[] | undefined;
  /** Looks at the machine the moment dockerd would start. */
  beforeStart: (() => Promise<void>) | undefined;
  private reject: ((error: DaemonStartError) => void) | undefined;

  async start(): Promise<void> {
    await this.beforeStart?.();
    this.starts += 1;
    this.running = true;
    if (this.failWith) {
      const lines = this.failWith;
      this.running = false;
      setImmediate(() => this.reject?.(new DaemonStartError('dockerd exited while starting (exit code 1)', lines)));
    }
  }
  startFailure(): Promise<never> {
    return new Promise<never>((_resolve, reject) => (this.reject = reject));
  }
  healthy(): void {}
  async isRunning(): Promise<boolean> {
    return this.running;
  }
  async stop(): Promise<void> {
    this.stops += 1;
    this.running = false;
  }
  async forget(): Promise<void> {}
  async recentLog(): Promise<string[]> {
    return this.failWith ?? [];
  }
  facts(): Record<string, unknown> {
    return { mode: this.mode, running: this.running };
  }
}

function fakeOps(runner: FakeRunner) {
  const machine = {
    dockerd: '/usr/sbin/dockerd' as string | undefined,
    overlay: true,
    installs: 0,
    writeError: undefined as NodeJS.ErrnoException | undefined,
    containersStopped: 0,
  };
  const ops: DockerHostOps = {
    findDockerd: async () => machine.dockerd,
    dockerdVersion: async () => '20.10.24+dfsg1',
    install: async (onProgress) => {
      machine.installs += 1;
      onProgress('Setting up docker.io (20.10.24+dfsg1-1) ...');
      machine.dockerd = '/usr/sbin/dockerd';
    },
    overlayPresent: async () => machine.overlay,
    writeDaemonJson: async (path, content) => {
      if (machine.writeError) throw machine.writeError;
      const { writeFileAtomic } = await import('../../atomic-file.js');
      await writeFileAtomic(path, content, 0o644);
    },
    ping: async () => {
      if (!runner.running) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return { version: '20.10.24+dfsg1' };
    },
    stopContainers: async () => {
      machine.containersStopped += 1;
      return 0;
    },
    unmountUnder: async () => undefined,
  };
  return { ops, machine };
}

const desired = (
  modules: { runtime: string; config?: Record<string, unknown> }[],
  overlay: string | undefined = OVERLAY,
  version = '1',
  registries?: string[],
): agentProtocol.DesiredState => ({
  instance_id: 'inst-fake',
  version,
  modules: modules.map((m, i) => ({ module_id: `mod-${i}`, name: `docker-engine`, version: '1.0.0', runtime: m.runtime, config: m.config ?? {} })),
  ...(overlay === undefined ? {} : { sdwan: { interfaces: [{ name: 'pn-a', network_id: 'net-1', address: `${overlay}/128`, listen_port: 51820, peers: [] }] } }),
  ...(registries === undefined ? {} : { docker: { registries } }),
});
const DOCKER = [{ runtime: 'docker' }];

describe(DockerReconciler.name, () => {
  let dir: string;
  let platform: FakeRuntimePlatform;
  let runner: FakeRunner;
  let machine: ReturnType<typeof fakeOps>['machine'];
  let sut: DockerReconciler;
  let clock: Date | undefined;

  const create = (extra: Partial<DockerReconcilerOptions> = {}, patch: (ops: DockerHostOps) => DockerHostOps = (ops) => ops): DockerReconciler => {
    const fake = fakeOps(runner);
    machine = fake.machine;
    return new DockerReconciler({
      stateDir: join(dir, 'agent'),
      docker: { root: join(dir, 'docker'), install: 'apt' },
      registryCertsDir: join(dir, 'certs.d'),
      platform,
      logger: pino({ level: 'silent' }),
      ops: patch(fake.ops),
      createRunner: () => runner,
      retry: FAST,
      failureBackoff: { baseMs: 1, capMs: 5, minMs: 1 },
      now: () => clock ?? new Date(),
      ...extra,
    });
  };

  beforeAll(async () => {
    platform = await FakeRuntimePlatform.create(OVERLAY);
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'docker-reconciler-'));
    platform.calls.length = 0;
    platform.configOverrides = {};
    platform.certWindow = { lifetimeMs: 24 * 3_600_000, agoMs: 60_000 };
    runner = new FakeRunner();
    clock = undefined;
    platform.clock = () => clock ?? new Date();
    sut = create();
  });
  afterEach(async () => {
    await sut.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ready = () => eventually(() => expect(sut.currentFacts()).toMatchObject({ phase: 'ready' }));

  it('walks installing → wants_cert → wants_config → ready on a warm machine, then posts nothing in steady state', async () => {
    await sut.reconcile(desired(DOCKER));
    await ready();
    expect(platform.calls).toEqual([
      { runtime: 'docker', phase: 'installing', progress: 'dockerd 20.10.24+dfsg1 present, install skipped' },
      { runtime: 'docker', phase: 'wants_cert', csr_pem: expect.stringContaining('CERTIFICATE REQUEST') },
      { runtime: 'docker', phase: 'wants_config', tls_dir: join(dir, 'docker', 'tls') },
      { runtime: 'docker', phase: 'ready', version: '20.10.24+dfsg1' },
    ]);
    expect(sut.currentFacts()).toMatchObject({ phase: 'ready', host_id: platform.hostId, version: '20.10.24+dfsg1', api_endpoint: `tcp://[${OVERLAY}]:2376`, overlay: OVERLAY });
    expect(runner.starts).toBe(1);

    const tls = join(dir, 'docker', 'tls');
    expect((await stat(join(tls, 'server-key.pem'))).mode & 0o777).toBe(0o600);
    const certs = (await readFile(join(tls, 'server-cert.pem'), 'utf8')).match(/BEGIN CERTIFICATE/g);
    expect(certs).toHaveLength(2); // leaf + intermediate
    expect(certificateInfo(await readFile(join(tls, 'ca.pem'), 'utf8')).fingerprintSha256).toBe(platform.ca.root.fingerprintSha256);
    expect((await stat(join(dir, 'docker', 'daemon.json'))).mode & 0o777).toBe(0o644);

    for (let i = 0; i < 3; i += 1) {
      expect(await sut.reconcile(desired(DOCKER))).toMatchObject({ phase: 'ready' });
      await sut.settled();
    }
    expect(platform.calls).toHaveLength(4);
    expect(runner.starts).toBe(1);
  });

  it('returns its facts at once while a phase is still under way', async () => {
    const release = platform.hold('wants_cert');
    await sut.reconcile(desired(DOCKER));
    await eventually(() => expect(platform.phases()).toContain('wants_cert'));
    expect(await sut.reconcile(desired(DOCKER))).toMatchObject({ phase: 'wants_cert', host_id: platform.hostId });
    release();
    await ready();
  });

  it('installs dockerd when it is missing, reporting installing once with progress', async () => {
    machine.dockerd = undefined;
    await sut.reconcile(desired(DOCKER));
    await ready();
    expect(machine.installs).toBe(1);
    expect(platform.calls.filter((c) => c.phase === 'installing')).toEqual([{ runtime: 'docker', phase: 'installing', progress: 'dockerd not found: installing docker.io (apt)' }]);
  });

  it('with --docker-install none fails with what the operator has to do', async () => {
    await sut.close();
    sut = create({ docker: { root: join(dir, 'docker'), install: 'none' } }, (ops) => ({
      ...ops,
      install: (onProgress, signal) => installDocker('none', { onProgress, signal, denyServiceStart: true }),
    }));
    machine.dockerd = undefined;
    await sut.reconcile(desired(DOCKER));
    await eventually(() => expect(platform.phases()).toEqual(['installing', 'failed']));
    expect(platform.calls[0]).toMatchObject({ progress: 'dockerd not found: installing docker.io (none)' });
    expect(platform.calls[1]?.error).toMatch(/dockerd is not installed and --docker-install is none: install Debian's docker.io/);
    expect(sut.currentFacts()).toMatchObject({ phase: 'failed', failed_phase: 'installing' });
  });

  it('waits for the overlay (reporting waiting_overlay once) and never starts dockerd before it is there', async () => {
    machine.overlay = false;
    await sut.reconcile(desired(DOCKER));
    await eventually(() => expect(sut.currentFacts()).toMatchObject({ phase: 'waiting_overlay' }));
    await sut.reconcile(desired(DOCKER));
    await sut.reconcile(desired(DOCKER));
    await sut.settled();
    expect(platform.phases()).toEqual(['installing', 'waiting_overlay']);
    expect(runner.starts).toBe(0);

    machine.overlay = true;
    await sut.reconcile(desired(DOCKER));
    await ready();
    expect(platform.phases()).toEqual(['installing', 'waiting_overlay', 'wants_cert', 'wants_config', 'ready']);
  });

  it('retries wants_cert with backoff while the CA is unavailable (503) and completes when it returns', async () => {
    const down = () => new PlatformHttpError(503, 'CaUnavailable', 'the CA does not answer');
    platform.failNext('wants_cert', down(), down());
    const release = platform.hold('wants_config');
    await sut.reconcile(desired(DOCKER));
    await eventually(() => expect(platform.phases().filter((p) => p === 'wants_cert')).toHaveLength(3));
    await eventually(() => expect(sut.currentFacts()).toMatchObject({ phase: 'wants_config' }));
    expect(sut.currentFacts()).not.toHaveProperty('error');
    release();
    await ready();
    expect(platform.phases()).toEqual(['installing', 'wants_cert', 'wants_cert', 'wants_cert', 'wants_config', 'ready']);
  });

  it('reports the CA outage in its facts while it retries', async () => {
    await sut.close();
    sut = create({ retry: { baseMs: 60_000, capMs: 60_000 } });
    platform.failNext('wants_cert', new PlatformHttpError(503, 'CaUnavailable', 'the CA does not answer'));
    await sut.reconcile(desired(DOCKER));
    await eventually(() => expect(sut.currentFacts()).toMatchObject({ phase: 'wants_cert', error_code: 'CaUnavailable', retrying: true }));
  });

  it('retries ready while the platform cannot reach the daemon (409 DaemonUnreachable)', async () => {
    platform.failNext('ready', new PlatformHttpError(409, 'DaemonUnreachable', 'no answer on the overlay'));
    await sut.reconcile(desired(DOCKER));
    await ready();
    expect(platform.phases()).toEqual(['installing', 'wants_cert', 'wants_config', 'ready', 'ready']);
  });

  it('posts failed with the path and errno when daemon.json cannot be written, and starts nothing', async () => {
    await sut.close();
    sut = create({ failureBackoff: SLOW_RETRY });
    const daemonJson = join(dir, 'docker', 'daemon.json');
    machine.writeError = Object.assign(new Error(`EACCES: permission denied, open '${daemonJson}'`), { code: 'EACCES', path: daemonJson });
    await sut.reconcile(desired(DOCKER));
    await eventually(() => {
      expect(sut.currentFacts()).toMatchObject({ phase: 'failed' });
      expect(platform.phases()).toContain('failed');
    });
    const failed = platform.calls.find((c) => c.phase === 'failed');
    expect(failed?.error).toContain(`EACCES ${daemonJson}`);
    expect(sut.currentFacts()).toMatchObject({ phase: 'failed', failed_phase: 'wants_config', error: expect.stringContaining(`EACCES ${daemonJson}`) });
    expect(runner.starts).toBe(0);
  });

  it('reports a failure that repeats the same way only once', async () => {
    const daemonJson = join(dir, 'docker', 'daemon.json');
    machine.writeError = Object.assign(new Error('permission denied'), { code: 'EACCES', path: daemonJson });
    await sut.reconcile(desired(DOCKER));
    await eventually(() => expect(platform.phases()).toContain('failed'));
    const passes = sut.passes;
    await eventually(() => expect(sut.passes).toBeGreaterThanOrEqual(passes + 3));
    expect(platform.phases().filter((p) => p === 'failed')).toHaveLength(1);
  });

  it('starts over at wants_cert with the same key when the platform is at another step (409 IllegalState)', async () => {
    platform.failNext('ready', new PlatformHttpError(409, 'IllegalState', 'ready before wants_config'));
    await sut.reconcile(desired(DOCKER));
    await eventually(() => expect(platform.phases()).toEqual(['installing', 'wants_cert', 'wants_config', 'ready', 'wants_cert', 'wants_config', 'ready']));
    await ready();
    const [first, again] = platform.calls.filter((c) => c.phase === 'wants_cert').map((c) => verifyCsr(c.csr_pem!));
    expect((await again)!.spkiSha256).toBe((await first)!.spkiSha256);
    expect(platform.phases()).not.toContain('failed');
  });

  it('after a reported failure walks again from wants_cert, as the platform answers', async () => {
    const daemonJson = join(dir, 'docker', 'daemon.json');
    machine.writeError = Object.assign(new Error('read-only file system'), { code: 'EROFS', path: daemonJson });
    await sut.reconcile(desired(DOCKER));
    await eventually(() => expect(platform.phases()).toContain('failed'));
    machine.writeError = undefined;
    await ready();
    expect(platform.phases()).toEqual(['installing', 'wants_cert', 'wants_config', 'failed', 'wants_cert', 'wants_config', 'ready']);
  });

  it('posts failed with dockerd’s last log lines when it exits during start', async () => {
    await sut.close();
    sut = create({ failureBackoff: SLOW_RETRY });
    runner.failWith = ['level=info msg="Starting up"', 'failed to load listeners: listen tcp [fd00::9]:2376: bind: cannot assign requested address'];
    await sut.reconcile(desired(DOCKER));
    await eventually(() => {
      expect(sut.currentFacts()).toMatchObject({ phase: 'failed' });
      expect(platform.phases()).toContain('failed');
    });
    const failed = platform.calls.find((c) => c.phase === 'failed');
    expect(failed?.error).toMatch(/dockerd exited while starting[\s\S]*cannot assign requested address/);
    expect(sut.currentFacts()).toMatchObject({ phase: 'failed', log_tail: runner.failWith });
    expect(platform.phases()).not.toContain('ready');
  });

  it('stops dockerd, removes the certificates and daemon.json and posts stopped when the module is unassigned', async () => {
    await sut.reconcile(desired(DOCKER));
    await ready();
    await sut.reconcile(desired([]));
    await eventually(() => expect(sut.currentFacts()).toEqual({ phase: 'absent', daemon: expect.anything() }));
    expect(platform.phases().at(-1)).toBe('stopped');
    expect(runner.running).toBe(false);
    expect(machine.containersStopped).toBe(1);
    await expect(stat(join(dir, 'docker', 'daemon.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(dir, 'docker', 'tls'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(join(dir, 'agent', 'docker', 'state.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('does nothing and posts nothing where Docker was never set up', async () => {
    expect(await sut.reconcile(desired([]))).toEqual({ phase: 'absent' });
    await sut.settled();
    expect(platform.calls).toEqual([]);
    expect(runner.stops).toBe(0);
  });

  it('tears down without a stopped report when the platform says the instance is decommissioned', async () => {
    await sut.reconcile(desired(DOCKER));
    await ready();
    await sut.decommissioned();
    await eventually(() => expect(sut.currentFacts()).toMatchObject({ phase: 'absent' }));
    expect(platform.phases()).not.toContain('stopped');
    expect(runner.running).toBe(false);
  });

  it('tears down when a handshake answers 410 InstanceDecommissioned', async () => {
    platform.failNext('wants_config', new PlatformHttpError(410, 'InstanceDecommissioned', 'gone'));
    await sut.reconcile(desired(DOCKER));
    await eventually(() => expect(platform.phases()).toEqual(['installing', 'wants_cert', 'wants_config']));
    await eventually(() => expect(sut.currentFacts()).toMatchObject({ phase: 'absent' }));
    await expect(stat(join(dir, 'docker', 'tls'))).rejects.toMatchObject({ code: 'ENOENT' });
    // A desired state that still lists the module does not start the walk again.
    await sut.reconcile(desired(DOCKER));
    await sut.settled();
    expect(platform.phases()).toEqual(['installing', 'wants_cert', 'wants_config']);
  });

  it('stops on a refusal (422) without reporting failed to the platform that refused', async () => {
    platform.failNext('installing', new PlatformHttpError(422, 'UnsupportedRuntime', 'docker is not a runtime here'));
    await sut.reconcile(desired(DOCKER));
    await eventually(() => expect(sut.currentFacts()).toMatchObject({ phase: 'failed', error_code: 'UnsupportedRuntime' }));
    expect(platform.phases()).not.toContain('failed');
  });

  it('renews the daemon certificate at 2/3 of its life with a new key, restarts dockerd and reports ready again', async () => {
    platform.certWindow = { lifetimeMs: 30 * 60_000, agoMs: 60_000 };
    await sut.reconcile(desired(DOCKER));
    await ready();
    const before = await readFile(join(dir, 'docker', 'tls', 'server-key.pem'), 'utf8');
    const serial = sut.currentFacts().cert_serial;
    clock = new Date(Date.now() + 20 * 60_000); // past 2/3 of 30 minutes
    await sut.reconcile(desired(DOCKER));
    await eventually(() => expect(sut.currentFacts()).toMatchObject({ phase: 'ready', cert_serial: expect.not.stringMatching(String(serial)) }));
    expect(platform.phases()).toEqual(['installing', 'wants_cert', 'wants_config', 'ready', 'wants_cert', 'wants_config', 'ready']);
    expect(await readFile(join(dir, 'docker', 'tls', 'server-key.pem'), 'utf8')).not.toBe(before);
    expect(runner.starts).toBe(2);
  });

  it('after an agent restart starts dockerd again without repeating the handshake', async () => {
    await sut.reconcile(desired(DOCKER));
    await ready();
    await sut.close();
    runner = new FakeRunner(); // the supervised dockerd went away with the old agent
    sut = create();
    await sut.reconcile(desired(DOCKER));
    await ready();
    expect(runner.starts).toBe(1);
    expect(platform.phases()).toEqual(['installing', 'wants_cert', 'wants_config', 'ready']);
  });

  it('trusts the platform root for each registry before dockerd starts, and for a new one without a restart or handshake', async () => {
    const caFile = (address: string) => join(dir, 'certs.d', address, 'ca.crt');
    let atStart: string | undefined;
    runner.beforeStart = async () => {
      atStart = await readFile(caFile('198.18.0.1:5000'), 'utf8').catch(() => undefined);
    };
    await sut.reconcile(desired(DOCKER, OVERLAY, '1', ['198.18.0.1:5000']));
    await ready();
    expect(atStart).toBeDefined();
    expect(certificateInfo(atStart!).fingerprintSha256).toBe(platform.ca.root.fingerprintSha256);
    expect((await stat(caFile('198.18.0.1:5000'))).mode & 0o777).toBe(0o644);
    expect((await stat(join(dir, 'certs.d', '198.18.0.1:5000'))).mode & 0o777).toBe(0o755);

    await sut.reconcile(desired(DOCKER, OVERLAY, '2', ['198.18.0.1:5000', '[fd00::1]:5000']));
    await eventually(async () => expect(await readFile(caFile('[fd00::1]:5000'), 'utf8')).toBe(atStart));
    await sut.settled();
    expect(runner.starts).toBe(1);
    expect(platform.phases()).toEqual(['installing', 'wants_cert', 'wants_config', 'ready']);
  });

  it('leaves the registries’ certs.d entries in place on teardown (shared by the machine’s dockerds, and public)', async () => {
    await sut.reconcile(desired(DOCKER, OVERLAY, '1', ['198.18.0.1:5000']));
    await ready();
    await sut.reconcile(desired([]));
    await eventually(() => expect(sut.currentFacts()).toMatchObject({ phase: 'absent' }));
    expect(certificateInfo(await readFile(join(dir, 'certs.d', '198.18.0.1:5000', 'ca.crt'), 'utf8')).fingerprintSha256).toBe(platform.ca.root.fingerprintSha256);
  });

  it('fetches the configuration again when the module configuration changes', async () => {
    await sut.reconcile(desired(DOCKER));
    await ready();
    platform.configOverrides = { 'log-level': 'warn' };
    await sut.reconcile(desired([{ runtime: 'docker', config: { 'log-level': 'warn' } }], OVERLAY, '2'));
    await eventually(() => expect(platform.phases()).toEqual(['installing', 'wants_cert', 'wants_config', 'ready', 'wants_config', 'ready']));
    await ready();
    expect(JSON.parse(await readFile(join(dir, 'docker', 'daemon.json'), 'utf8'))).toMatchObject({ 'log-level': 'warn' });
    expect(runner.starts).toBe(2);
  });
});
