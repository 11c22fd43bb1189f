// Issue 9: the fleet simulator on a small N. 200 simulated agents (the real agent code on simulated machines)
// enrol with their bootstrap tokens, long-poll, report WireGuard keys and walk the Docker handshake to `ready`
// against the real platform (CA, handshake, catalog, sdwan, docker-proxy on real NATS and PostgreSQL), whose TLS
// verification of each daemon dials the host's overlay address for real. Then every read model must equal a
// rebuild from the event log. Needs root (the overlay addresses go on a link of their own).
import 'reflect-metadata';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogActions, dockerActions, handshakeActions } from '@powernode/contracts';
import { verifyReadModels } from '@powernode/service-runtime';
import { connectTestNats, eventually, testPlatformEnv } from '@powernode/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { startTestCa, type TestCa } from '../../apps/ca/src/testing/test-ca.js';
import { startTestCatalog, type TestCatalog } from '../../apps/catalog/src/testing/test-catalog.js';
import { startTestDockerProxy, type TestDockerProxy } from '../../apps/docker-proxy/src/testing/test-docker-proxy.js';
import { startTestHandshake, type TestHandshake } from '../../apps/handshake/src/testing/test-handshake.js';
import { startTestSdwan, type TestSdwan } from '../../apps/sdwan/src/testing/test-sdwan.js';
import { FleetSimulator } from '../../bench/fleet/fleet-simulator.js';
import { planFleet, type FleetPlan } from '../../bench/fleet/fleet-setup.js';
import { FleetWatch } from '../../bench/fleet/fleet-watch.js';
import { OverlayLink } from '../../bench/fleet/overlay-link.js';

const AGENTS = 200;

describe(FleetSimulator.name, () => {
  const platform = testPlatformEnv();
  let ca: TestCa;
  let handshake: TestHandshake;
  let catalog: TestCatalog;
  let sdwan: TestSdwan;
  let proxy: TestDockerProxy;
  let nc: NatsConnection;
  let watch: FleetWatch;
  let link: OverlayLink;
  let sut: FleetSimulator;
  let plan: FleetPlan;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('the fleet simulator puts overlay addresses on a link: run as root (CI does)');
    ca = await startTestCa(platform);
    handshake = await startTestHandshake(platform, { HEARTBEAT_INTERVAL_S: '5' });
    catalog = await startTestCatalog(platform);
    sdwan = await startTestSdwan(platform);
    // One event loop holds the platform and all agents here: probes get room to answer (the benchmark runs processes).
    proxy = await startTestDockerProxy(platform, { DOCKER_PROBE_INTERVAL_S: '5', DOCKER_PROBE_TIMEOUT_MS: '20000' });
    nc = await connectTestNats();
    watch = new FleetWatch(nc, platform.env.EVENT_SUBJECT_PREFIX!);
    link = new OverlayLink();
    await link.create();
    sut = new FleetSimulator({ platformUrl: new URL(handshake.url), stateRoot: await mkdtemp(join(tmpdir(), 'powernode-fleet-')), link, rampPerSecond: 400 });
  }, 120_000);

  afterAll(async () => {
    // The platform goes down whatever the agents did, so nothing of this file runs on into the next one.
    try {
      await sut?.close();
    } finally {
      watch?.stop();
      await nc?.close();
      await proxy?.destroy();
      await sdwan?.destroy();
      await catalog?.destroy();
      await handshake?.destroy();
      await ca?.destroy();
      await link?.destroy();
    }
  }, 120_000);

  it(`onboards ${AGENTS} simulated hosts: each enrols once and reaches connected, with no failure`, async () => {
    plan = await planFleet(catalog.call, { agents: AGENTS, networkSize: 50 });
    await link.add(plan.overlays);
    await sut.start(plan.hosts);
    await eventually(
      async () => {
        const { instances } = await catalog.call(catalogActions.systemListInstances, { template_id: plan.templateId, limit: 1_000 });
        expect(instances.filter((i: { status: string }) => i.status === 'provisioning' || i.status === 'decommissioned')).toEqual([]);
        expect(instances).toHaveLength(AGENTS);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );

    await catalog.call(catalogActions.systemAssignModuleToTemplate, { template_id: plan.templateId, module_name: 'docker-engine' });
    await eventually(() => expect(watch.connected).toBe(AGENTS), { timeoutMs: 240_000, intervalMs: 500 });

    expect(watch.failed).toBe(0);
    expect(sut.status()).toMatchObject({ started: AGENTS, running: AGENTS, failed: 0, errors: 0 });
    // Each host passed every onboarding phase exactly in the tutorial's order, once.
    expect(watch.kinds.get('system.docker.provisioned')).toBe(AGENTS);
    expect(watch.kinds.get('system.docker.handshake.cert_signed')).toBe(AGENTS);
    // The handshake's read model, and the docker-proxy's after its own health probes, agree.
    await eventually(
      async () => {
        const { hosts } = await handshake.call(handshakeActions.systemListManagedDockerHosts, {});
        expect(hosts.filter((h: { status: string }) => h.status === 'connected')).toHaveLength(AGENTS);
        const listed = await proxy.call(dockerActions.dockerListHosts, {});
        expect(listed.hosts.filter((h: { status: string }) => h.status === 'connected')).toHaveLength(AGENTS);
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
  }, 480_000);

  it('leaves every read model equal to a rebuild from the event log', async () => {
    // Steady state appends nothing (heartbeats and good probes are not events), so the log holds still meanwhile.
    const services = [
      () => verifyReadModels(ca.runtime),
      () => verifyReadModels(handshake.runtime),
      () => verifyReadModels(catalog.runtime),
      () => verifyReadModels(sdwan.runtime),
      () => verifyReadModels(proxy.runtime),
    ];
    for (const verify of services) {
      const checks = await verify();
      expect(checks.length).toBeGreaterThan(0);
      for (const check of checks) expect({ projection: check.projection, ...check.diff }).toEqual({ projection: check.projection, onlyInA: [], onlyInB: [], different: [] });
    }
  }, 240_000);
});
