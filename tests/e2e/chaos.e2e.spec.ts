// Issue 10: crashes during onboarding. 56 simulated hosts (the real agent code on simulated machines) onboard in
// eight waves, one template each; right after each wave's assignment, while its hosts are mid-handshake, one fault:
// kill -9 of each service in turn (its supervisor, scripts/replicas.mjs, restarts it), kill -9 of the agents'
// process (restarted on the same state), a crash and restart of NATS, then of PostgreSQL. The NATS server and the
// PostgreSQL cluster are the test's own (the machine's shared ones are never touched). After recovery: every host
// `connected` (provisioned) exactly once, every aggregate's versions contiguous with nothing stored twice, every
// read model equal to a rebuild from the log, and no agent stopped for good.
// Killing dockerd on a real host (the agent restarts it; disconnected → connected) is docker-proxy.e2e's health test.
import 'reflect-metadata';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogActions, dockerActions, dockerHostIdOf, handshakeActions } from '@powernode/contracts';
import { openReadModels, verifyReadModels } from '@powernode/service-runtime';
import { eventually, PrivateNats, PrivatePostgres, testPlatformEnv } from '@powernode/testing';
import { caProjections } from '../../apps/ca/src/runtime.js';
import { catalogProjections } from '../../apps/catalog/src/runtime.js';
import { dockerProxyProjections } from '../../apps/docker-proxy/src/runtime.js';
import { handshakeProjections } from '../../apps/handshake/src/runtime.js';
import { sdwanProjections } from '../../apps/sdwan/src/runtime.js';
import { planFleet, type FleetPlan } from '../../bench/fleet/fleet-setup.js';
import { FleetWatch } from '../../bench/fleet/fleet-watch.js';
import { FleetWorkers } from '../../bench/fleet/fleet-workers.js';
import { OverlayLink } from '../../bench/fleet/overlay-link.js';
import { childPids, SERVICE_READY, startPlatformProcesses, type PlatformProcesses, type PlatformService } from '../../bench/support/platform-processes.js';
import { scratchBuild, type ScratchBuild } from '../../bench/support/scratch-build.js';
import { auditEventLog } from './support/event-log-audit.js';

type Service = Exclude<PlatformService, 'gateway'>;
const SERVICES: Service[] = ['ca', 'handshake', 'catalog', 'sdwan', 'docker-proxy'];
type Fault = Service | 'agent' | 'nats' | 'postgres';
const FAULTS: Fault[] = [...SERVICES, 'agent', 'nats', 'postgres'];
const HOSTS_PER_WAVE = 7;
const AGENTS = FAULTS.length * HOSTS_PER_WAVE;
const INSTALLING = 'system.docker.runtime.installing';
const CONNECTED = 'system.docker.provisioned';

describe('chaos during onboarding', () => {
  const platform = testPlatformEnv();
  const restarts = new Map<Service, number>();
  let build: ScratchBuild;
  let nats: PrivateNats;
  let pg: PrivatePostgres;
  let sut: PlatformProcesses;
  let link: OverlayLink;
  let watch: FleetWatch;
  let workers: FleetWorkers;
  let plan: FleetPlan;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('the simulated fleet puts overlay addresses on a link: run as root (CI does)');
    build = await scratchBuild('chaos', ['apps', 'libs', 'bench']);
    nats = await PrivateNats.start();
    pg = await PrivatePostgres.start();
    platform.env.NATS_URL = nats.url;
    platform.env.DATABASE_URL = pg.url;
    platform.env.LOG_LEVEL = 'warn'; // the supervisor's restart lines are warnings
    sut = await startPlatformProcesses(platform, {
      buildDir: build.dir,
      services: SERVICES,
      env: { handshake: { HEARTBEAT_INTERVAL_S: '5' }, 'docker-proxy': { DOCKER_PROBE_INTERVAL_S: '5', DOCKER_PROBE_TIMEOUT_MS: '10000' } },
      // The supervisor's own word for each restart (item 0: it says so in its log).
      onLine: (service, line) => {
        if (service !== 'gateway' && line.includes('replica exited; restarting')) restarts.set(service, (restarts.get(service) ?? 0) + 1);
      },
    });
    link = new OverlayLink();
    await link.create();
    watch = new FleetWatch(sut.nc, platform.env.EVENT_SUBJECT_PREFIX!);
  }, 240_000);

  afterAll(async () => {
    await workers?.close();
    watch?.stop();
    await sut?.destroy({ keepData: true }); // the data is in the private servers, removed whole below
    await link?.destroy();
    await pg?.destroy();
    await nats?.destroy();
    await build?.remove();
  }, 120_000);

  const hostsOfWave = (wave: number) => plan.hosts.filter((_, i) => i % FAULTS.length === wave);
  const midHandshake = (instanceId: string) => {
    const seen = watch.hosts.get(dockerHostIdOf(instanceId));
    return seen?.has(INSTALLING) === true && !seen.has(CONNECTED);
  };

  async function inject(fault: Fault, wave: number): Promise<void> {
    if (fault === 'nats') return nats.restart();
    if (fault === 'postgres') return pg.restart();
    if (fault === 'agent') {
      // The process of agents of this wave that are mid-handshake: kill -9, then the same agents on the same state.
      const target = hostsOfWave(wave).find((h) => midHandshake(h.instanceId)) ?? hostsOfWave(wave)[0]!;
      const p = [0, 1].find((w) => workers.hostsOf(w).some((h) => h.instanceId === target.instanceId))!;
      await workers.kill(p);
      workers.restart(p);
      return;
    }
    const [group] = sut.groups.filter((g) => g.service === fault);
    const killed = childPids(group!.primary.pid!);
    expect(killed.length).toBe(1);
    process.kill(killed[0]!, 'SIGKILL');
    // Back once the supervisor forked a new worker and it answers again.
    await eventually(
      async () => {
        expect(childPids(group!.primary.pid!).filter((pid) => !killed.includes(pid))).toHaveLength(1);
        const [action, input] = SERVICE_READY[fault];
        await sut.call(action, input);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  }

  it(`onboards ${AGENTS} hosts through ${FAULTS.length} crashes: each connected once, no agent lost`, async () => {
    plan = await planFleet(sut.call, { agents: AGENTS, networkSize: 28, templates: FAULTS.length });
    await link.add(plan.overlays);
    workers = new FleetWorkers({
      processes: 2,
      entry: join(build.dir, 'bench', 'fleet', 'sim-worker.js'),
      platformUrl: sut.handshakeUrl,
      stateRoot: await mkdtemp(join(tmpdir(), 'powernode-chaos-')),
      overlays: plan.overlays,
    });
    workers.start(plan.hosts);
    const injected: string[] = [];
    await eventually(() => expect(watch.enrolled.size).toBe(AGENTS), { timeoutMs: 120_000, intervalMs: 250 });

    for (const [wave, fault] of FAULTS.entries()) {
      await eventually(() => sut.call(catalogActions.systemAssignModuleToTemplate, { template_id: plan.templateIds[wave]!, module_name: 'docker-engine' }), { timeoutMs: 60_000, intervalMs: 500 });
      // The wave is under way: at least one of its hosts is installing and not yet connected (or, on a fast
      // machine, already through; the fault then still hits the waves before it in their steady state).
      await eventually(() => expect(hostsOfWave(wave).some((h) => watch.hosts.get(dockerHostIdOf(h.instanceId))?.has(INSTALLING))).toBe(true), { timeoutMs: 60_000, intervalMs: 50 });
      const under = hostsOfWave(wave).filter((h) => midHandshake(h.instanceId)).length;
      const started = Date.now();
      await inject(fault, wave);
      injected.push(`${fault}: ${under}/${HOSTS_PER_WAVE} of its wave mid-handshake, back in ${Date.now() - started} ms`);
    }
    console.log(`faults injected during onboarding:\n  ${injected.join('\n  ')}`);

    // Recovery: every host connected in the handshake's read model and in the docker-proxy's (its own probes).
    await eventually(
      async () => {
        const { hosts } = await sut.call(handshakeActions.systemListManagedDockerHosts, {});
        expect(hosts.filter((h: { status: string }) => h.status === 'connected')).toHaveLength(AGENTS);
        const listed = await sut.call(dockerActions.dockerListHosts, {});
        expect(listed.hosts.filter((h: { status: string }) => h.status === 'connected')).toHaveLength(AGENTS);
      },
      { timeoutMs: 300_000, intervalMs: 1_000 },
    );
    // Every killed service was restarted by its supervisor, which said so; no agent stopped for good.
    expect(Object.fromEntries(restarts)).toEqual(Object.fromEntries(SERVICES.map((s) => [s, 1])));
    expect(workers.status()).toMatchObject({ running: AGENTS, failed: 0 });
  }, 900_000);

  it('lost and duplicated nothing: contiguous versions, each event once, each host connected exactly once', async () => {
    const audit = await auditEventLog(sut.nc, { stream: platform.env.EVENT_STREAM!, subjectPrefix: platform.env.EVENT_SUBJECT_PREFIX! });
    expect(audit.broken).toEqual([]);
    expect(audit.repeatedIds).toEqual([]);
    const connected = audit.perAggregate.get(CONNECTED) ?? new Map<string, number>();
    expect(plan.hosts.map((h) => connected.get(dockerHostIdOf(h.instanceId)) ?? 0)).toEqual(plan.hosts.map(() => 1));
    expect(audit.events).toBeGreaterThan(AGENTS * 10);
  }, 120_000);

  it('leaves every read model of every service equal to a rebuild from the log', async () => {
    const projections = { ca: caProjections(), handshake: handshakeProjections(), catalog: catalogProjections(), sdwan: sdwanProjections(), 'docker-proxy': dockerProxyProjections() };
    const store = { stream: platform.env.EVENT_STREAM!, subjectPrefix: platform.env.EVENT_SUBJECT_PREFIX! };
    for (const service of SERVICES) {
      const owner = await openReadModels({ nc: sut.nc, databaseUrl: pg.url, schema: platform.schemaOf(service), store, projections: projections[service] });
      try {
        const checks = await verifyReadModels(owner, 60_000);
        expect(checks.length).toBe(Object.keys(projections[service]).length);
        for (const check of checks) expect({ service, projection: check.projection, ...check.diff }).toEqual({ service, projection: check.projection, onlyInA: [], onlyInB: [], different: [] });
      } finally {
        await owner.close();
      }
    }
  }, 240_000);
});
