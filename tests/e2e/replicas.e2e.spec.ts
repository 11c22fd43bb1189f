// Issue 9: the whole platform with two replicas of every service (each replica its own process, through
// scripts/replicas.mjs), the local provider's real instances, agents, WireGuard and dockerd, the platform image
// registry and the hub. The tutorial walks through the replicated gateway, and every leader-only job happens once,
// not once per replica: the docker-proxy's health probe rounds, the sdwan's access grant expiry sweep, and the
// handshake's daemon certificate renewal.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_ONBOARDING_KINDS, dockerHostIdOf, type EventEnvelope } from '@powernode/contracts';
import { parseStoredCommit, readCommits } from '@powernode/eventstore';
import { listLinks, listNamespaces } from '@powernode/netns';
import { eventually } from '@powernode/testing';
import { CLEANUP_TOOLS } from '../../apps/tutorial/src/testing/expected-walk.js';
import { runTutorial, type TutorialResult } from '../../apps/tutorial/src/tutorial.js';
import { childPids, type PlatformService } from '../../bench/support/platform-processes.js';
import { startReplicatedPlatform, type ReplicatedPlatform } from '../../bench/support/replicated-platform.js';

/** The shortest daemon certificate the handshake allows: the agent renews at two thirds, 40 s after each signing. */
const DAEMON_CERT_TTL_S = 60;
/** Renewals of the renewer's certificate the test watches. */
const RENEWALS = 2;
const PROBE_ROUND = 'health probe round';

describe('the platform with two replicas of every service', () => {
  let local: ReplicatedPlatform;
  let operatorDir: string;
  let result: TutorialResult;
  const output: string[] = [];
  /** Health probe rounds logged per docker-proxy process (pino's `pid`). */
  const probeRounds = new Map<number, number>();
  /** A second docker host, onboarded before the tutorial, whose certificate renews while the test runs. */
  let renewer: { instanceId: string; hostId: string; networkId: string };
  const answerOf = (tool: string) => result.calls.find((c) => c.tool === tool)?.answer as Record<string, any>;

  const onLine = (service: PlatformService, line: string) => {
    if (service !== 'docker-proxy' || !line.includes(PROBE_ROUND)) return;
    const record = JSON.parse(line) as { msg: string; pid: number };
    if (record.msg === PROBE_ROUND) probeRounds.set(record.pid, (probeRounds.get(record.pid) ?? 0) + 1);
  };

  /** Every event stored so far, in stream order. */
  const allEvents = async (): Promise<EventEnvelope[]> => {
    const { EVENT_STREAM, EVENT_SUBJECT_PREFIX } = local.platform.env as Record<string, string>;
    const events: EventEnvelope[] = [];
    for await (const commit of readCommits(local.services.nc, { stream: EVENT_STREAM, subjectPrefix: EVENT_SUBJECT_PREFIX })) {
      events.push(...parseStoredCommit(commit.data, commit.subject, commit.seq).events);
    }
    return events;
  };
  const ofKind = (events: EventEnvelope[], kind: string, aggregateId?: string) =>
    events.filter((e) => e.kind === kind && (aggregateId === undefined || e.aggregate_id === aggregateId));

  const started = Date.now();
  const phase = (what: string) => console.log(`t+${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);

  beforeAll(async () => {
    local = await startReplicatedPlatform({
      replicas: 2,
      env: {
        'docker-proxy': { LOG_LEVEL: 'debug' },
        handshake: { DOCKER_DAEMON_CERT_TTL_S: String(DAEMON_CERT_TTL_S) },
        sdwan: { SDWAN_GRANT_SWEEP_INTERVAL_S: '1' },
      },
      onLine,
    });
    await eventually(async () => expect((await local.tool('platform_provisioning_status', {})).registry).toMatchObject({ ready: true }), {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    phase('platform up, registry ready');
    renewer = await onboardRenewer(local);
    phase('renewer instance online, docker assigned');
    operatorDir = await mkdtemp(join(tmpdir(), 'powernode-operator-'));
    result = await runTutorial(
      { url: local.gateway.httpUrl, token: local.gateway.adminToken, operatorDir, laptopPrefix: local.run.prefix },
      { out: (line) => output.push(line) },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${output.join('\n')}`);
    });
    phase('tutorial done');
  }, 360_000);

  afterAll(async () => {
    if (operatorDir) await rm(operatorDir, { recursive: true, force: true });
    phase('tearing down');
    const swept = await local?.destroy();
    phase('torn down');
    // The services removed every namespace, veth and link of the run themselves; the final sweep found nothing.
    expect(swept ?? []).toEqual([]);
    expect((await listNamespaces()).filter((ns) => ns.startsWith(local.run.prefix))).toEqual([]);
    expect((await listLinks()).filter((link) => link.name.startsWith(local.run.prefix))).toEqual([]);
  }, 120_000);

  it('runs every service as two processes', () => {
    for (const group of local.services.groups) {
      expect(childPids(group.primary.pid!)).toHaveLength(2);
    }
  });

  it('walks the tutorial through the replicated gateway: the host connected, the laptop got 200, Cleanup ran', () => {
    const { state } = result;
    expect(answerOf('docker_list_hosts').hosts).toContainEqual(expect.objectContaining({ id: state.hostId, node_instance_id: state.instanceId, status: 'connected' }));
    expect(answerOf('docker_create_container').container).toMatchObject({ id: state.containerId, name: 'hello-web' });
    expect(state.page).toMatchObject({ status: 200, body: expect.stringContaining('powernode/busybox-httpd') });
    expect(state.dockerPs).toMatch(/CONTAINER ID[\s\S]*hello-web/);
    expect(result.calls.filter((c) => c.step === 'Cleanup').map((c) => c.tool)).toEqual([...CLEANUP_TOOLS]);
    expect(output.join('\n')).toMatch(/Tutorial 03 done in \d+\.\d\d s/);
  });

  it("records the tutorial host's onboarding once, in order", async () => {
    const kinds = (await allEvents()).filter((e) => e.aggregate_id === result.state.hostId).map((e) => e.kind);
    const onboarding = kinds.slice(0, kinds.indexOf('system.docker.provisioned') + 1).filter((k) => (DOCKER_ONBOARDING_KINDS as readonly string[]).includes(k));
    expect(onboarding).toEqual([...DOCKER_ONBOARDING_KINDS]);
    expect(kinds.filter((k) => k === 'system.docker.provisioned')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'system.docker.runtime.decommissioned')).toHaveLength(1);
  });

  it('expires a short access grant once: one sdwan replica sweeps', async () => {
    const grant = async (hint: string, ttl: string): Promise<string> =>
      (await local.tool('system_sdwan_create_access_grant', { network_id: renewer.networkId, device_name_hint: hint, ttl })).grant.id;
    const statusOf = async (id: string) =>
      ((await local.tool('system_sdwan_list_access_grants', { network_id: renewer.networkId, include_inactive: true })).grants as { id: string; status: string }[]).find(
        (g) => g.id === id,
      )?.status;
    const first = await grant('expires-first', '2s');
    const second = await grant('expires-later', '5s');
    await eventually(async () => expect(await statusOf(first)).toBe('expired'), { timeoutMs: 20_000, intervalMs: 250 });
    // The later grant expires at least two sweep intervals (1 s) after the first: both replicas had their chances.
    await eventually(async () => expect(await statusOf(second)).toBe('expired'), { timeoutMs: 20_000, intervalMs: 250 });
    const events = await allEvents();
    const expired = [first, second].map((id) => ofKind(events, 'system.sdwan.access_grant.expired', id).length);
    console.log(`access grant expiry events: ${JSON.stringify({ first: expired[0], second: expired[1] })}`);
    expect(expired).toEqual([1, 1]);
  }, 60_000);

  it('renews a daemon certificate once per renewal: one handshake replica signs, the CA issues one certificate', async () => {
    // The renewer's first certificate was signed during the tutorial; two renewals follow, 40 s apart.
    await eventually(
      async () => expect(ofKind(await allEvents(), 'system.docker.handshake.cert_signed', renewer.hostId).length).toBeGreaterThanOrEqual(1 + RENEWALS),
      { timeoutMs: (RENEWALS * DAEMON_CERT_TTL_S + 30) * 1000, intervalMs: 1_000 },
    );
    const host = async () => ((await local.tool('system_list_managed_docker_hosts', {})).hosts as { id: string; status: string; certificate?: { serial: string } }[]).find((h) => h.id === renewer.hostId);
    const events = await allEvents();
    const signed = ofKind(events, 'system.docker.handshake.cert_signed', renewer.hostId).map((e) => e.data as { serial: string; public_key_sha256: string });
    // The daemon restarts with the new certificate; the host is connected with it.
    await eventually(async () => expect(await host()).toMatchObject({ status: 'connected', certificate: { serial: signed.at(-1)!.serial } }), { timeoutMs: 30_000, intervalMs: 500 });
    // Every docker host of the run (the tutorial's too): each key the agent asked for was signed once, by one replica.
    for (const hostId of [renewer.hostId, result.state.hostId!]) {
      const wanted = [...new Set(ofKind(events, 'system.docker.handshake.wants_cert', hostId).map((e) => (e.data as { public_key_sha256: string }).public_key_sha256))];
      const hostSigned = ofKind(events, 'system.docker.handshake.cert_signed', hostId).map((e) => e.data as { serial: string; public_key_sha256: string });
      const issued = ofKind(events, 'system.ca.certificate.issued')
        .map((e) => e.data as { serial: string; profile: string; public_key_sha256: string })
        .filter((c) => c.profile === 'docker-daemon-server' && wanted.includes(c.public_key_sha256));
      console.log(`${hostId === renewer.hostId ? 'renewer' : 'tutorial host'}: ${wanted.length} key(s) asked for, ${hostSigned.length} cert_signed, ${issued.length} daemon certificate(s) issued`);
      expect(hostSigned.map((s) => s.public_key_sha256)).toEqual(wanted);
      expect(issued.map((c) => c.serial).sort()).toEqual(hostSigned.map((s) => s.serial).sort());
    }
    expect(signed.length).toBeGreaterThanOrEqual(1 + RENEWALS);
  }, (RENEWALS * DAEMON_CERT_TTL_S + 90) * 1000);

  it('probes the daemons from one docker-proxy replica, and records each host transition once', async () => {
    const workers = childPids(local.services.groups.find((g) => g.service === 'docker-proxy')!.primary.pid!);
    console.log(`health probe rounds per docker-proxy pid: ${JSON.stringify(Object.fromEntries(probeRounds))} (workers ${workers.join(', ')})`);
    expect(probeRounds.size).toBe(1);
    const [[pid, rounds]] = [...probeRounds] as [[number, number]];
    expect(workers).toContain(pid);
    expect(rounds).toBeGreaterThanOrEqual(30); // one a second since the docker-proxy started
    const events = await allEvents();
    for (const hostId of [renewer.hostId, result.state.hostId!]) {
      const transitions = events
        .filter((e) => e.aggregate_id === hostId && ['system.docker.host.connected', 'system.docker.host.unreachable', 'system.docker.provisioned'].includes(e.kind))
        .map((e) => `${e.kind}${(e.data as { status?: string }).status ? `:${(e.data as { status: string }).status}` : ''}`);
      console.log(`transitions of ${hostId}: ${transitions.join(' → ') || 'none'}`);
      expect(transitions.filter((t, i) => t === transitions[i - 1])).toEqual([]);
    }
  });
});

/** A docker host of its own (template, instance, network, docker-engine), not waited for: it onboards during the tutorial. */
async function onboardRenewer(local: ReplicatedPlatform): Promise<{ instanceId: string; hostId: string; networkId: string }> {
  const name = `renewer-${local.run.prefix}`;
  const { template } = await local.tool('system_create_template', { name });
  const { instance } = await local.tool('system_provision_instance', { template_id: template.id, name });
  await eventually(async () => expect((await local.tool('system_get_instance', { id: instance.id })).instance.status).toBe('online'), { timeoutMs: 120_000, intervalMs: 500 });
  const { network } = await local.tool('system_sdwan_create_network', { name });
  await local.tool('system_sdwan_attach_peer', { network_id: network.id, node_instance_id: instance.id });
  await local.tool('system_assign_module_to_template', { template_id: template.id, module_name: 'docker-engine' });
  return { instanceId: instance.id, hostId: dockerHostIdOf(instance.id), networkId: network.id };
}
