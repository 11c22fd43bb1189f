import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_SHORT_EXEC_ROOT_BASE } from '@powernode/contracts';
import { createLogger } from '@powernode/service-kit';
import { eventually } from '@powernode/testing';
import { namespacePids } from '@powernode/netns';
import { containerCgroups } from './docker-leftovers.js';
import { dockerRootOf } from './instance-state.js';
import { LocalInstanceProvider } from './local-instance-provider.js';
import { sweepLeftovers } from './sweep.js';
import { echoAgent } from './testing/echo-agent.js';
import {
  BUSYBOX_IMAGE,
  busyboxRootfsTar,
  containerPids,
  forceRemoveInstanceDockerd,
  mountsBelow,
  netnsOf,
  processesNaming,
  processIdentity,
  run,
  startInstanceDockerd,
  type InstanceDockerd,
} from './testing/instance-dockerd.js';

// An instance's own dockerd (as its agent runs it) leaves containers in network namespaces of their own and
// mounts under the state dir; decommission and shutdown must leave none of them behind. No agent here: the echo
// agent holds the namespace, and the test starts dockerd in it itself.

const STALE_PREFIX = /pt[0-9a-f]{4}/;
const prefix = `pt${randomBytes(2).toString('hex')}`;
const STATE_ROOT_PREFIX = 'pn-local-docker-';

/** State roots of earlier crashed runs (a live run's is younger than five minutes), with what their dockerds left. */
async function sweepStaleStateRoots(): Promise<void> {
  for (const entry of await readdir(tmpdir())) {
    if (!entry.startsWith(STATE_ROOT_PREFIX)) continue;
    const path = join(tmpdir(), entry);
    if (Date.now() - (await stat(path)).mtimeMs < 300_000) continue;
    for (const instance of await readdir(path)) await forceRemoveInstanceDockerd(dockerRootOf(join(path, instance)));
    await rm(path, { recursive: true, force: true });
  }
}

interface Running {
  instanceId: string;
  stateDir: string;
  namespace: string;
  daemon: InstanceDockerd;
  /** `<pid>:<start time>` of the container's process, and of dockerd, containerd and the shim. */
  container: string;
  daemons: string[];
}

describe(`${LocalInstanceProvider.name} with an instance dockerd`, () => {
  let stateRoot: string;
  let workDir: string;
  let image: string;
  let sut: LocalInstanceProvider;
  const logger = createLogger('local-provider-docker-test', 'warn');
  const dockerRoots: string[] = [];

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('these tests create network namespaces and run dockerd: run them as root (CI does)');
    await sweepLeftovers(STALE_PREFIX, { olderThanMs: 300_000 });
    await sweepStaleStateRoots();
    stateRoot = await mkdtemp(join(tmpdir(), STATE_ROOT_PREFIX));
    workDir = await mkdtemp(join(tmpdir(), 'pn-busybox-'));
    image = await busyboxRootfsTar(workDir);
    sut = new LocalInstanceProvider({ namePrefix: prefix, stateRoot, logger, stopGraceMs: 2_000 });
  });

  afterAll(async () => {
    try {
      await sut?.shutdown();
    } finally {
      for (const dockerRoot of dockerRoots) await forceRemoveInstanceDockerd(dockerRoot);
      await sweepLeftovers(prefix);
      if (stateRoot !== undefined) await rm(stateRoot, { recursive: true, force: true });
      if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
    }
  });

  /** An instance whose dockerd runs a detached `sleep` container, with the premises of the test checked. */
  async function instanceWithContainer(instanceId: string): Promise<Running> {
    const instance = await sut.provision({ instanceId, agent: echoAgent() });
    const dockerRoot = dockerRootOf(instance.stateDir);
    dockerRoots.push(dockerRoot);
    const daemon = await startInstanceDockerd(instance.namespace, dockerRoot);
    await eventually(() => daemon.docker('version', '--format', '{{.Server.Version}}'), { timeoutMs: 30_000, intervalMs: 200 }).catch(async (error: unknown) => {
      throw new Error(`dockerd in ${instance.namespace} did not come up: ${String(error)}\n${await daemon.logTail()}`);
    });
    await daemon.docker('import', image, BUSYBOX_IMAGE);
    const containerId = (await daemon.docker('run', '-d', BUSYBOX_IMAGE, 'sleep', '100000')).trim();

    const [pid] = await eventually(async () => {
      const pids = await containerPids(daemon.cgroupParent, containerId);
      expect(pids).toHaveLength(1);
      return pids;
    });
    const container = await processIdentity(pid!);
    // The premises: the container is out of the instance's network namespace, so stopping that namespace's
    // processes misses it; its rootfs and network namespace are mounted under the instance's roots.
    expect(container).toBeDefined();
    expect(await namespacePids(instance.namespace)).not.toContain(pid);
    expect(await netnsOf(pid!)).not.toBe(await netnsOf(instance.agentPid));
    expect(await mountsBelow([dockerRoot, daemon.execRoot])).toEqual(
      expect.arrayContaining([expect.stringMatching(/\/overlay2\/[^/]+\/merged$/), expect.stringMatching(/\/netns\/[^/]+$/)]),
    );
    const daemons = await Promise.all((await processesNaming([dockerRoot, daemon.execRoot])).map(async (p) => (await processIdentity(p)) ?? ''));
    expect(daemons.length).toBeGreaterThanOrEqual(3); // dockerd, containerd, the container's shim
    return { instanceId, stateDir: instance.stateDir, namespace: instance.namespace, daemon, container: container!, daemons };
  }

  /** Nothing of that dockerd and its containers runs, is mounted, or keeps a cgroup. */
  async function expectNothingLeft({ daemon, container, daemons }: Running): Promise<void> {
    const live = async (identity: string) => (await processIdentity(Number(identity.split(':')[0]))) === identity;
    // A killed container's process waits, as a zombie, for init to reap it: gone as far as it can be.
    await eventually(async () => expect(await live(container)).toBe(false));
    for (const identity of daemons) expect(await live(identity)).toBe(false);
    expect(await processesNaming([daemon.dockerRoot, daemon.execRoot])).toEqual([]);
    expect(await mountsBelow([daemon.dockerRoot, daemon.execRoot])).toEqual([]);
    expect(await containerCgroups(daemon.dockerRoot)).toEqual([]);
  }

  it('decommission kills the containers the dockerd left, unmounts their mounts and removes the state dir', async () => {
    // An id long enough to move the exec-root out of the state dir (too long a path for dockerd's sockets).
    const running = await instanceWithContainer(`inst-${randomBytes(3).toString('hex')}-${'x'.repeat(40)}`);
    expect(running.daemon.execRoot.startsWith(`${DOCKER_SHORT_EXEC_ROOT_BASE}/`)).toBe(true);

    await sut.decommission(running.instanceId);

    await expectNothingLeft(running);
    expect(existsSync(running.stateDir)).toBe(false);
    expect(existsSync(running.daemon.execRoot)).toBe(false);
  }, 120_000);

  it('shutdown kills the containers and unmounts their mounts but keeps the state dir, like a powered-off disk', async () => {
    const running = await instanceWithContainer(`inst-${randomBytes(3).toString('hex')}`);
    expect(running.daemon.execRoot).toBe(join(running.daemon.dockerRoot, 'exec'));

    await sut.shutdown();

    await expectNothingLeft(running);
    expect(existsSync(running.stateDir)).toBe(true);
    expect(existsSync(join(running.daemon.dockerRoot, 'data'))).toBe(true);
    // Nothing holds it any more: removing it now works (it would fail with EBUSY on a live mount).
    await expect(run('rm', ['-rf', '--one-file-system', running.daemon.dockerRoot])).resolves.toBe('');
  }, 120_000);
});
