import { execFile, spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { agentProtocol } from '@powernode/contracts';
import { normalizeSerial } from '@powernode/pki';
import { eventually } from '@powernode/testing';
import { pino } from 'pino';
import { clientCertChain } from '../../identity.js';
import { DockerNetnsLab, dialIn, inNamespace, killContainerProcesses, namespacePids, randomOverlay, requireRootAndDockerd, tcpListeners, unmountAllUnder } from '../../testing/docker-netns.js';
import { FakeRuntimePlatform } from '../../testing/fake-runtime-platform.js';
import { daemonRequest, pingDaemon, type DaemonEndpoint } from './daemon-client.js';
import { DockerReconciler } from './docker-reconciler.js';
import { dockerCgroupParent } from '@powernode/contracts';
import { removeEmptyCgroups } from './cgroups.js';
import type { DockerdSupervisor } from './dockerd-supervisor.js';

// The reconciler against a REAL dockerd: each "instance" is a test network namespace with an overlay-like /128
// on its loopback; dockerd runs there (nsenter prefix, as the agent would run inside its namespace) and the
// TLS ping reaches it from inside the namespace. Only the platform is a fake port (with a real CA).
const WAIT = { timeoutMs: 90_000, intervalMs: 200 };

interface Instance {
  ns: string;
  overlay: string;
  root: string;
  platform: FakeRuntimePlatform;
  sut: DockerReconciler;
}

const desired = (overlay: string, docker = true): agentProtocol.DesiredState => ({
  instance_id: 'inst-fake',
  version: docker ? '1' : '2',
  modules: docker ? [{ module_id: 'mod-docker', name: 'docker-engine', version: '1.0.0', runtime: 'docker', config: {} }] : [],
  sdwan: { interfaces: [{ name: 'pn-a', network_id: 'net-1', address: `${overlay}/128`, listen_port: 51820, peers: [] }] },
});

/** Alive and not a zombie (a minimal init may not reap what it inherits). */
function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** A one-layer image holding only a static busybox, so a container runs without any registry. */
async function busyboxImageTar(): Promise<Buffer> {
  const rootfs = await mkdtemp(join(tmpdir(), 'pn-busybox-'));
  try {
    await mkdir(join(rootfs, 'bin'));
    await copyFile('/bin/busybox', join(rootfs, 'bin', 'busybox'));
    await chmod(join(rootfs, 'bin', 'busybox'), 0o755);
    return await new Promise<Buffer>((resolve, reject) => {
      execFile('tar', ['-C', rootfs, '-c', '.'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    });
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}

describe('DockerReconciler with a real dockerd', () => {
  const lab = new DockerNetnsLab();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  let dir: string;
  const instances: Instance[] = [];
  const containers: string[] = [];

  const endpoint = (instance: Instance, withClientCert = true): DaemonEndpoint => {
    const identity = instance.platform.identity();
    return {
      address: instance.overlay,
      rootPem: instance.platform.rootPem,
      dial: dialIn(instance.ns),
      ...(withClientCert ? { client: { keyPem: identity.keyPem, certChainPem: clientCertChain(identity) } } : {}),
    };
  };

  async function startInstance(suffix: string, configure: (platform: FakeRuntimePlatform) => void = () => undefined): Promise<Instance> {
    const overlay = randomOverlay();
    const ns = await lab.create(suffix, overlay);
    const platform = await FakeRuntimePlatform.create(overlay);
    configure(platform);
    const root = join(dir, suffix, 'docker');
    const sut = new DockerReconciler({
      stateDir: join(dir, suffix, 'agent'),
      docker: { root, install: 'none' },
      platform,
      logger,
      commandPrefix: inNamespace(ns),
      dial: dialIn(ns),
      systemdRunning: false,
      retry: { baseMs: 50, capMs: 500 },
      stopGraceMs: 10_000,
    });
    const instance = { ns, overlay, root, platform, sut };
    instances.push(instance);
    await sut.reconcile(desired(overlay));
    return instance;
  }

  const supervisor = (instance: Instance) => instance.sut.daemon as DockerdSupervisor;

  /** The serial of the certificate the daemon presents, as the platform's certificate facts print it. */
  const servedCertificateSerial = (instance: Instance): Promise<string> =>
    new Promise((resolve, reject) => {
      const identity = instance.platform.identity();
      const socket = tlsConnect({
        socket: dialIn(instance.ns)(instance.overlay, 2376),
        ca: [instance.platform.rootPem],
        key: identity.keyPem,
        cert: clientCertChain(identity),
        checkServerIdentity: () => undefined,
      });
      socket.once('secureConnect', () => {
        resolve(normalizeSerial(socket.getPeerCertificate().serialNumber));
        socket.destroy();
      });
      socket.once('error', reject);
    });

  beforeAll(async () => {
    requireRootAndDockerd();
    dir = await mkdtemp(join(tmpdir(), 'pn-dockerd-'));
  });

  afterAll(async () => {
    // Everything goes, even when a test failed half-way: reconcilers (their dockerds), namespaces, mounts, files.
    await Promise.all(instances.map((i) => i.sut.close().catch(() => undefined)));
    await killContainerProcesses(containers);
    for (const i of instances) await removeEmptyCgroups(dockerCgroupParent(i.root));
    await lab.destroy();
    if (dir !== undefined) {
      await unmountAllUnder(dir);
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('one instance', () => {
    let a: Instance;

    beforeAll(async () => {
      a = await startInstance('a');
      await eventually(() => expect(a.sut.currentFacts()).toMatchObject({ phase: 'ready' }), WAIT);
    });

    it('walks the handshake and reports ready with the daemon’s version', () => {
      expect(a.platform.phases()).toEqual(['installing', 'wants_cert', 'wants_config', 'ready']);
      expect(a.platform.calls[0]?.progress).toMatch(/^dockerd \S+ present, install skipped$/);
      expect(a.platform.calls[3]?.version).toMatch(/^\d+\.\d+/);
      expect(a.sut.currentFacts()).toMatchObject({ phase: 'ready', host_id: a.platform.hostId, daemon: { mode: 'supervise', running: true } });
    });

    it("dockerd's only TCP listener in the namespace is [overlay]:2376", async () => {
      const listeners = await tcpListeners(a.ns);
      expect(listeners).toEqual([{ local: `[${a.overlay}]:2376`, process: 'dockerd' }]);
    });

    it('keeps its data-root, exec-root and pidfile under the docker root', async () => {
      const config = JSON.parse(await readFile(join(a.root, 'daemon.json'), 'utf8')) as Record<string, unknown>;
      expect(config).toMatchObject({ 'data-root': join(a.root, 'data'), 'exec-root': join(a.root, 'exec'), pidfile: join(a.root, 'dockerd.pid') });
      expect(Number((await readFile(join(a.root, 'dockerd.pid'), 'utf8')).trim())).toBe(supervisor(a).pid);
      expect(await readdir(join(a.root, 'exec'))).toContain('containerd');
      expect((await stat(a.root)).mode & 0o777).toBe(0o700); // its unix sockets are root-only
      const info = JSON.parse((await daemonRequest(endpoint(a), 'GET', '/info', AbortSignal.timeout(10_000))).body) as { DockerRootDir: string };
      expect(info.DockerRootDir).toBe(join(a.root, 'data'));
    });

    it('answers /_ping with a client certificate from the platform CA, and refuses TLS without one', async () => {
      await expect(pingDaemon(endpoint(a), AbortSignal.timeout(10_000))).resolves.toMatchObject({ version: expect.any(String) });
      await expect(daemonRequest(endpoint(a, false), 'GET', '/_ping', AbortSignal.timeout(10_000))).rejects.toThrow();
    });

    it('restarts a killed dockerd and keeps reporting ready without posting anything', async () => {
      const before = supervisor(a).pid!;
      const posts = a.platform.calls.length;
      process.kill(before, 'SIGKILL');
      await eventually(async () => {
        expect(supervisor(a).pid).toBeDefined();
        expect(supervisor(a).pid).not.toBe(before);
        await pingDaemon(endpoint(a), AbortSignal.timeout(5_000));
      }, WAIT);
      expect(await a.sut.reconcile(desired(a.overlay))).toMatchObject({ phase: 'ready', daemon: { restarts: 1 } });
      await a.sut.settled();
      expect(a.platform.calls).toHaveLength(posts);
    });

    it('runs side by side with a second instance’s dockerd in another namespace (distinct roots)', async () => {
      const b = await startInstance('b');
      await eventually(() => expect(b.sut.currentFacts()).toMatchObject({ phase: 'ready' }), WAIT);
      await expect(pingDaemon(endpoint(a), AbortSignal.timeout(10_000))).resolves.toBeDefined();
      await expect(pingDaemon(endpoint(b), AbortSignal.timeout(10_000))).resolves.toBeDefined();
      expect(supervisor(b).pid).not.toBe(supervisor(a).pid);
      const rootOf = async (i: Instance) => (JSON.parse((await daemonRequest(endpoint(i), 'GET', '/info', AbortSignal.timeout(10_000))).body) as { DockerRootDir: string }).DockerRootDir;
      expect(await rootOf(b)).toBe(join(b.root, 'data'));
      expect(await rootOf(a)).toBe(join(a.root, 'data'));
      expect(await tcpListeners(b.ns)).toEqual([{ local: `[${b.overlay}]:2376`, process: 'dockerd' }]);
    });

    it('stops dockerd on unassign: nothing left running in the namespace, certificates and daemon.json removed', async () => {
      await a.sut.reconcile(desired(a.overlay, false));
      await eventually(() => expect(a.sut.currentFacts()).toMatchObject({ phase: 'absent' }), WAIT);
      expect(a.platform.phases().at(-1)).toBe('stopped');
      await eventually(async () => expect(await namespacePids(a.ns)).toEqual([]), WAIT);
      expect(await tcpListeners(a.ns)).toEqual([]);
      const left = await readdir(a.root);
      expect(left).not.toContain('daemon.json');
      expect(left).not.toContain('tls');
    });
  });

  it('renews the daemon certificate at 2/3 of its life and restarts dockerd; a running container survives (live-restore)', async () => {
    // 24 s certificates: renewal is due 16 s after issue. The renewed one is long-lived again.
    const r = await startInstance('r', (platform) => {
      platform.certWindow = { lifetimeMs: 24_000, agoMs: 0 };
    });
    await eventually(() => expect(r.sut.currentFacts()).toMatchObject({ phase: 'ready' }), WAIT);
    r.platform.certWindow = { lifetimeMs: 24 * 3_600_000, agoMs: 60_000 };
    const first = r.sut.currentFacts();
    const daemonPid = supervisor(r).pid;

    const api = (method: string, path: string, body?: { data: Buffer | string; contentType: string }) => daemonRequest({ ...endpoint(r), timeoutMs: 30_000 }, method, path, AbortSignal.timeout(30_000), body);
    const image = await busyboxImageTar();
    expect((await api('POST', '/images/create?fromSrc=-&repo=pn-busybox&tag=test', { data: image, contentType: 'application/x-tar' })).status).toBe(200);
    const created = await api('POST', '/containers/create', { data: JSON.stringify({ Image: 'pn-busybox:test', Cmd: ['/bin/busybox', 'sleep', '3600'], HostConfig: { NetworkMode: 'none' } }), contentType: 'application/json' });
    expect(created.status).toBe(201);
    const id = (JSON.parse(created.body) as { Id: string }).Id;
    containers.push(id);
    expect((await api('POST', `/containers/${id}/start`)).status).toBe(204);
    const state = async () => (JSON.parse((await api('GET', `/containers/${id}/json`)).body) as { State: { Running: boolean; Pid: number } }).State;
    const before = await state();
    expect(before.Running).toBe(true);

    await eventually(() => expect(r.sut.currentFacts()).toMatchObject({ phase: 'ready', cert_serial: expect.not.stringMatching(`^${String(first.cert_serial)}$`) }), WAIT);
    expect(r.platform.phases()).toEqual(['installing', 'wants_cert', 'wants_config', 'ready', 'wants_cert', 'wants_config', 'ready']);
    expect(supervisor(r).pid).not.toBe(daemonPid);
    await eventually(async () => expect(await state()).toMatchObject({ Running: true, Pid: before.Pid }), WAIT);
    // The daemon now serves the renewed certificate.
    const served = await servedCertificateSerial(r);
    expect(served).toBe(r.sut.currentFacts().cert_serial);

    // Unassigning stops the containers first (live-restore would otherwise leave them running unmanaged).
    await r.sut.reconcile(desired(r.overlay, false));
    await eventually(() => expect(r.sut.currentFacts()).toMatchObject({ phase: 'absent' }), WAIT);
    await eventually(() => expect(processAlive(before.Pid)).toBe(false), WAIT);
  });

  it('after an agent restart, replaces the dockerd a killed agent left running, without a new handshake', async () => {
    const d = await startInstance('d');
    await eventually(() => expect(d.sut.currentFacts()).toMatchObject({ phase: 'ready' }), WAIT);
    await d.sut.close(); // the agent stops; its certificates and daemon.json stay
    // A dockerd the killed agent left behind, on the same config and pidfile.
    const orphan = spawn(inNamespace(d.ns)[0]!, [...inNamespace(d.ns).slice(1), 'dockerd', '--config-file', join(d.root, 'daemon.json')], { stdio: 'ignore', detached: true });
    orphan.unref();
    await eventually(async () => expect(Number((await readFile(join(d.root, 'dockerd.pid'), 'utf8')).trim())).toBe(orphan.pid), WAIT);
    const posts = d.platform.calls.length;

    const restarted: Instance = {
      ...d,
      sut: new DockerReconciler({
        stateDir: join(dir, 'd', 'agent'),
        docker: { root: d.root, install: 'none' },
        platform: d.platform,
        logger,
        commandPrefix: inNamespace(d.ns),
        dial: dialIn(d.ns),
        systemdRunning: false,
      }),
    };
    instances.push(restarted);
    await restarted.sut.reconcile(desired(d.overlay));
    await eventually(() => expect(restarted.sut.currentFacts()).toMatchObject({ phase: 'ready' }), WAIT);
    await restarted.sut.settled();
    expect(supervisor(restarted).pid).not.toBe(orphan.pid);
    await eventually(() => expect(orphan.exitCode ?? orphan.signalCode).not.toBeNull(), WAIT);
    expect(await tcpListeners(d.ns)).toEqual([{ local: `[${d.overlay}]:2376`, process: 'dockerd' }]);
    expect(d.platform.calls).toHaveLength(posts);
  });

  it('reports a daemon that cannot start as failed, with its last log lines', async () => {
    const c = await startInstance('c', (platform) => {
      platform.configOverrides = { 'not-a-dockerd-option': true };
    });
    await eventually(() => expect(c.platform.phases()).toContain('failed'), WAIT);
    const failed = c.platform.calls.find((call) => call.phase === 'failed');
    expect(failed?.error).toMatch(/dockerd exited while starting[\s\S]*not-a-dockerd-option/);
    expect(c.sut.currentFacts()).toMatchObject({ phase: 'failed', log_tail: expect.arrayContaining([expect.stringContaining('not-a-dockerd-option')]) });
    expect(c.platform.phases()).not.toContain('ready');
    expect(await tcpListeners(c.ns)).toEqual([]);
  });
});
