// Issue 10, races: the same commands fired concurrently, many times, through two replicas of every service (real
// NATS, PostgreSQL, CA, catalog, sdwan, handshake, docker-proxy). Each race ends in counts read from the event log
// and the read models: what optimistic concurrency, the idempotent deciders and the projections lease promise.
import 'reflect-metadata';
import { catalogActions, dockerActions, dockerHostIdOf, handshakeActions, sdwanActions, type ActionDef, type EventEnvelope } from '@powernode/contracts';
import { dockerHostsProjection, type DockerHostState } from '@powernode/docker-host';
import { projectionTable } from '@powernode/eventstore';
import { selectDocs, selectRow, verifyReadModels } from '@powernode/service-runtime';
import { eventually } from '@powernode/testing';
import { agentRequest } from '../../apps/handshake/src/testing/agent-client.js';
import { startFakeDockerDaemon, type FakeDockerDaemon } from '../../apps/handshake/src/testing/fake-docker-daemon.js';
import { desiredTemplatesProjection } from '../../apps/handshake/src/desired/catalog-views.projection.js';
import { peersProjection } from '../../apps/sdwan/src/network/peers.projection.js';
import { instancesProjection } from '../../apps/catalog/src/instance/instances.projection.js';
import { templatesProjection } from '../../apps/catalog/src/template/templates.projection.js';
import { auditEventLog } from './support/event-log-audit.js';
import { countCalls, daemonKeyAndCsr, enrolAgent, outcomeOf, startRacePlatform, tally, type Outcome, type RaceAgent, type RacePlatform } from './support/race-platform.js';

const ATTACHED = 'system.sdwan.peer.attached';
const TLS_DIR = '/etc/docker/powernode';

describe('races', () => {
  let sut: RacePlatform;
  const daemons: FakeDockerDaemon[] = [];
  /** Requests each replica served, per service (wrapped use cases). */
  const served: Record<string, [() => number, () => number]> = {};

  beforeAll(async () => {
    sut = await startRacePlatform();
    served.attach = [countCalls(sut.sdwan[0].sdwan.networks, 'attach'), countCalls(sut.sdwan[1].sdwan.networks, 'attach')];
    served.assign = [countCalls(sut.catalog[0].catalog.templates, 'assign'), countCalls(sut.catalog[1].catalog.templates, 'assign')];
    served.unassign = [countCalls(sut.catalog[0].catalog.templates, 'unassign'), countCalls(sut.catalog[1].catalog.templates, 'unassign')];
  }, 180_000);
  afterAll(async () => {
    for (const daemon of daemons) await daemon.close();
    await sut?.destroy();
  }, 120_000);

  const ofKind = (events: EventEnvelope[], kind: string, aggregateId: string) => events.filter((e) => e.kind === kind && e.aggregate_id === aggregateId);
  const servedBy = (name: string) => served[name]!.map((count) => count());
  /** A call fired through either replica's client (the queue group decides which replica answers). */
  const eitherCatalog = (i: number) => sut.catalog[i % 2]!;

  it('attaches 40 instances and one instance 10 times concurrently through two sdwan replicas: one peer and one /128 each', async () => {
    const { network } = await sut.sdwan[0].call(sdwanActions.systemSdwanCreateNetwork, { name: 'races' });
    const instances = Array.from({ length: 40 }, (_, i) => `inst-race-${i}`);
    const repeated = 'inst-race-repeated';
    const before = servedBy('attach');
    const calls = [...instances, ...Array.from({ length: 10 }, () => repeated)].map((instanceId, i) => ({
      instanceId,
      outcome: outcomeOf(() => sut.sdwan[i % 2]!.call(sdwanActions.systemSdwanAttachPeer, { network_id: network.id, node_instance_id: instanceId })),
    }));
    const outcomes = await Promise.all(calls.map(async (c) => ({ instanceId: c.instanceId, outcome: await c.outcome })));
    const perReplica = servedBy('attach').map((n, i) => n - before[i]!);
    const failures = outcomes.filter((o) => !o.outcome.ok).map((o) => (o.outcome as { code: string }).code);
    console.log(`attach race: ${outcomes.length} calls, served per replica ${JSON.stringify(perReplica)}, failures ${JSON.stringify(tally(failures))}`);
    // Both replicas served; a lost race on the network's version retries (up to 200 times), so no call fails.
    expect(perReplica.every((n) => n > 0)).toBe(true);
    expect(perReplica[0]! + perReplica[1]!).toBe(50);
    expect(failures).toEqual([]);
    const answers = outcomes.map((o) => ({ instanceId: o.instanceId, ...(o.outcome as { ok: true; value: { peer: { id: string; overlay_address: string }; attached: boolean } }).value }));
    const repeats = answers.filter((a) => a.instanceId === repeated);
    expect(repeats.filter((a) => a.attached)).toHaveLength(1);
    expect(new Set(repeats.map((a) => a.peer.id)).size).toBe(1);
    expect(new Set(repeats.map((a) => a.peer.overlay_address)).size).toBe(1);
    expect(answers.filter((a) => a.instanceId !== repeated).every((a) => a.attached)).toBe(true);

    // The log: the network's versions run 1..n, 42 attaches (hub + 41 instances), 42 distinct addresses.
    const audit = await auditEventLog(sut.nc, sut.store);
    expect(audit.broken).toEqual([]);
    expect(audit.repeatedIds).toEqual([]);
    expect(audit.perAggregate.get('system.sdwan.network.created')?.get(network.id)).toBe(1);
    expect(audit.perAggregate.get(ATTACHED)?.get(network.id)).toBe(42);
    const attached = ofKind(await sut.events(), ATTACHED, network.id).map((e) => e.data as { node_instance_id?: string; overlay_address: string; peer_id: string });
    expect(new Set(attached.map((e) => e.overlay_address)).size).toBe(42);
    expect(tally(attached.flatMap((e) => (e.node_instance_id ? [e.node_instance_id] : [])))).toEqual(Object.fromEntries([...instances, repeated].map((id) => [id, 1])));
    const networkEvents = (await sut.events()).filter((e) => e.aggregate_id === network.id);
    expect(networkEvents.map((e) => e.aggregate_version)).toEqual(networkEvents.map((_, i) => i + 1));
    expect(networkEvents).toHaveLength(43);

    // The read model, from both replicas (one table): 42 live peers, one per instance, each on the address the log holds.
    for (const replica of sut.sdwan) {
      const { peers } = await replica.call(sdwanActions.systemSdwanListPeers, { network_id: network.id });
      expect(peers).toHaveLength(42);
      expect(new Set(peers.map((p: { overlay_address: string }) => p.overlay_address)).size).toBe(42);
      const byInstance = new Map(attached.map((e) => [e.node_instance_id, e.overlay_address]));
      for (const a of answers) expect(byInstance.get(a.instanceId)).toBe(a.peer.overlay_address);
    }
    const rows = await selectDocs(sut.sdwan[1].runtime, peersProjection, `doc->>'network_id' = $1`, [network.id]);
    expect(rows).toHaveLength(42);
    console.log(`attach race: ${attached.length} peer.attached on ${network.id} (versions 1..${networkEvents.length}), ${rows.length} peer rows, ${new Set(rows.map((r) => r.overlay_address)).size} distinct /128s`);
  }, 120_000);

  describe('runtime handshake of one agent, each phase sent 10 times at once through two handshake replicas', () => {
    let agent: RaceAgent;
    let hostId: string;
    let overlay: string;
    const hostKinds = async () => (await sut.events()).filter((e) => e.aggregate_id === hostId).map((e) => e.kind);
    /** Ten concurrent calls of one phase, alternating between the two replicas; outcomes as `status:code`. */
    const burst = async (bodies: Record<string, unknown>[]) => {
      const results = await Promise.all(bodies.map((body, i) => agentRequest(sut.handshake[i % 2]!.url, '/runtime/handshake', agent.tls, { runtime: 'docker', ...body })));
      return { results, statuses: tally(results.map((r) => (r.status === 200 ? '200' : `${r.status}:${r.body?.code}`))) };
    };
    const revokedOf = (events: EventEnvelope[]) => events.filter((e) => e.kind === 'system.ca.certificate.revoked').map((e) => String(e.data.serial));
    const daemonCertsOf = (events: EventEnvelope[], keys: string[]) =>
      events.filter((e) => e.kind === 'system.ca.certificate.issued' && e.data.profile === 'docker-daemon-server' && keys.includes(String(e.data.public_key_sha256)));

    beforeAll(async () => {
      const { template } = await sut.catalog[0].call(catalogActions.systemCreateTemplate, { name: 'races-handshake' });
      const { instance } = await sut.catalog[0].call(catalogActions.systemProvisionInstance, { template_id: template.id });
      agent = await enrolAgent(sut, instance.id, template.id);
      hostId = dockerHostIdOf(agent.instanceId);
      const { network } = await sut.sdwan[0].call(sdwanActions.systemSdwanCreateNetwork, { name: 'races-handshake' });
      overlay = (await sut.sdwan[0].call(sdwanActions.systemSdwanAttachPeer, { network_id: network.id, node_instance_id: agent.instanceId })).peer.overlay_address;
      await sut.catalog[0].call(catalogActions.systemAssignModuleToTemplate, { template_id: template.id, module_name: 'docker-engine' });
      await eventually(async () => expect(await hostKinds()).toEqual(['system.docker.module.assigned']), { timeoutMs: 20_000, intervalMs: 100 });
    }, 60_000);

    it('installing ×10: every call answered, one runtime.installing', async () => {
      const { statuses } = await burst(Array.from({ length: 10 }, () => ({ phase: 'installing', progress: 'docker.io present' })));
      console.log(`installing ×10: ${JSON.stringify(statuses)}`);
      expect(statuses).toEqual({ 200: 10 });
      expect(tally(await hostKinds())).toEqual({ 'system.docker.module.assigned': 1, 'system.docker.runtime.installing': 1 });
    });

    it('wants_cert ×10 with one CSR: one wants_cert, one cert_signed, the same certificate for all; a second signature is revoked', async () => {
      const before = (await sut.events()).length;
      const { csrPem } = await daemonKeyAndCsr();
      const { results, statuses } = await burst(Array.from({ length: 10 }, () => ({ phase: 'wants_cert', csr_pem: csrPem })));
      const events = (await sut.events()).slice(before);
      const wanted = ofKind(events, 'system.docker.handshake.wants_cert', hostId);
      const signed = ofKind(events, 'system.docker.handshake.cert_signed', hostId);
      const issued = daemonCertsOf(events, wanted.map((e) => String(e.data.public_key_sha256)));
      const revoked = revokedOf(events);
      const serials = new Set(results.filter((r) => r.status === 200).map((r) => r.body.certificate.serial as string));
      console.log(
        `wants_cert ×10, same CSR: ${JSON.stringify(statuses)}; ${wanted.length} wants_cert, ${signed.length} cert_signed, ` +
          `${issued.length} CA certificates (${revoked.length} revoked as unrecorded), ${serials.size} serial(s) answered`,
      );
      expect(statuses).toEqual({ 200: 10 });
      expect(wanted).toHaveLength(1);
      expect(signed).toHaveLength(1);
      expect([...serials]).toEqual([signed[0]!.data.serial]);
      // Each replica serialises one instance's calls, so at most one signature per replica; any not recorded is revoked.
      expect(issued.length).toBeLessThanOrEqual(2);
      expect(revoked.sort()).toEqual(issued.map((e) => String(e.data.serial)).filter((s) => s !== signed[0]!.data.serial).sort());
    });

    it('wants_cert ×10 with ten CSRs: every cert_signed answers a wants_cert for its key, every other CA certificate is revoked', async () => {
      const before = (await sut.events()).length;
      const csrs = await Promise.all(Array.from({ length: 10 }, () => daemonKeyAndCsr()));
      const { results, statuses } = await burst(csrs.map(({ csrPem }) => ({ phase: 'wants_cert', csr_pem: csrPem })));
      const events = (await sut.events()).slice(before);
      const wanted = ofKind(events, 'system.docker.handshake.wants_cert', hostId);
      const signed = ofKind(events, 'system.docker.handshake.cert_signed', hostId);
      const keys = wanted.map((e) => String(e.data.public_key_sha256));
      const issued = daemonCertsOf(events, keys).map((e) => String(e.data.serial));
      const revoked = revokedOf(events);
      console.log(
        `wants_cert ×10, ten CSRs: ${JSON.stringify(statuses)}; ${wanted.length} wants_cert, ${signed.length} cert_signed, ` +
          `${issued.length} CA certificates (${revoked.length} revoked as unrecorded)`,
      );
      // Refusals are typed (a newer key overtook this one: 409 IllegalState), never a 500.
      expect(Object.keys(statuses).filter((s) => s !== '200' && s !== '409:IllegalState' && s !== '409:Conflict')).toEqual([]);
      const ok = results.filter((r) => r.status === 200);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      expect(wanted).toHaveLength(10);
      expect(new Set(keys).size).toBe(10);
      // Each signature is recorded at most once, each for a key the host asked for; at most one per key.
      expect(signed.length).toBeGreaterThanOrEqual(1);
      expect(signed.length).toBeLessThanOrEqual(10);
      expect(new Set(signed.map((e) => e.data.public_key_sha256)).size).toBe(signed.length);
      expect(signed.every((e) => keys.includes(String(e.data.public_key_sha256)))).toBe(true);
      // The CA signed at most one certificate per key; the ones the host does not hold are revoked.
      expect(issued.length).toBeLessThanOrEqual(10);
      const recorded = signed.map((e) => String(e.data.serial));
      expect([...recorded, ...revoked].sort()).toEqual([...issued].sort());
      // Every certificate handed to the agent is one the platform recorded.
      expect(ok.every((r) => recorded.includes(r.body.certificate.serial))).toBe(true);
    });

    it('wants_config ×10 then ready ×10: one wants_config, one ready, one provisioned; both hosts read models agree', async () => {
      // Settle on one key first: the daemon starts with the certificate the host holds.
      const { keyPem, csrPem } = await daemonKeyAndCsr();
      const cert = await agentRequest(sut.handshake[0].url, '/runtime/handshake', agent.tls, { runtime: 'docker', phase: 'wants_cert', csr_pem: csrPem });
      expect(cert.status).toBe(200);
      const before = (await hostKinds()).length;
      const config = await burst(Array.from({ length: 10 }, () => ({ phase: 'wants_config', tls_dir: TLS_DIR })));
      expect(config.statuses).toEqual({ 200: 10 });
      expect(new Set(config.results.map((r) => r.body.daemon_config.hash)).size).toBe(1);
      const certificate = cert.body.certificate as { cert_pem: string; chain_pem: string[]; serial: string };
      daemons.push(await startFakeDockerDaemon({ overlay, cert: certificate.cert_pem + certificate.chain_pem[0], key: keyPem, ca: [sut.root] }));
      const ready = await burst(Array.from({ length: 10 }, () => ({ phase: 'ready', version: '25.0.3' })));
      console.log(`wants_config ×10: ${JSON.stringify(config.statuses)}; ready ×10: ${JSON.stringify(ready.statuses)}; host events since: ${JSON.stringify(tally((await hostKinds()).slice(before)))}`);
      expect(ready.statuses).toEqual({ 200: 10 });
      expect(tally((await hostKinds()).slice(before))).toEqual({
        'system.docker.handshake.wants_config': 1,
        'system.docker.handshake.ready': 1,
        'system.docker.provisioned': 1,
      });
      const audit = await auditEventLog(sut.nc, sut.store);
      expect(audit.broken).toEqual([]);
      expect(audit.repeatedIds).toEqual([]);
      const lastSeq = (await sut.events()).length;
      expect(lastSeq).toBe(audit.events);
      // One host row per instance, the same in the handshake's and the docker-proxy's read models.
      await eventually(async () => {
        const rows = await Promise.all([...sut.handshake, ...sut.proxy].map((s) => selectDocs(s.runtime, dockerHostsProjection, `doc->>'instanceId' = $1`, [agent.instanceId])));
        expect(rows.map((r) => r.length)).toEqual([1, 1, 1, 1]);
        expect(rows[0]![0]).toMatchObject({ status: 'connected', phase: 'ready', certificate: { serial: certificate.serial } });
        expect(rows[3]![0]).toEqual(rows[0]![0]);
      });
    });
  });

  it('assigns and unassigns docker-engine 40 times at once through two catalog replicas: hosts follow the last catalog event', async () => {
    const { template } = await sut.catalog[0].call(catalogActions.systemCreateTemplate, { name: 'races-assign' });
    const { network } = await sut.sdwan[0].call(sdwanActions.systemSdwanCreateNetwork, { name: 'races-assign' });
    const instanceIds: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { instance } = await sut.catalog[0].call(catalogActions.systemProvisionInstance, { template_id: template.id });
      await sut.sdwan[0].call(sdwanActions.systemSdwanAttachPeer, { network_id: network.id, node_instance_id: instance.id });
      instanceIds.push(instance.id as string);
    }
    const hostIds = instanceIds.map((id) => dockerHostIdOf(id));
    const before = [servedBy('assign'), servedBy('unassign')];
    // Assign is slower than unassign (it asks sdwan for unpeered instances): random starts over 600 ms interleave them.
    const ops = Array.from({ length: 40 }, (_, i) => (i % 2 === 1 ? 'unassign' : 'assign'));
    const outcomes: { op: string; outcome: Outcome<{ assigned?: boolean; unassigned?: boolean }> }[] = await Promise.all(
      ops.map(async (op, i) => ({
        op,
        outcome: await outcomeOf(async () =>
          new Promise((resolve) => setTimeout(resolve, Math.random() * 600)).then(() =>
          eitherCatalog(i).call(op === 'assign' ? catalogActions.systemAssignModuleToTemplate : catalogActions.systemUnassignModuleFromTemplate, {
            template_id: template.id,
            module_name: 'docker-engine',
            }),
          ),
        ),
      })),
    );
    const perReplica = [servedBy('assign'), servedBy('unassign')].map((now, k) => now.map((n, i) => n - before[k]![i]!));
    const failures = outcomes.filter((o) => !o.outcome.ok).map((o) => `${o.op}:${(o.outcome as { code: string }).code}`);
    const changed = outcomes.filter((o) => o.outcome.ok && (o.outcome.value.assigned === true || o.outcome.value.unassigned === true));
    console.log(`assign/unassign race: served per replica assign ${JSON.stringify(perReplica[0])} unassign ${JSON.stringify(perReplica[1])}; failures ${JSON.stringify(tally(failures))}; ${changed.length} calls changed the template`);
    expect(perReplica.flat().every((n) => n > 0)).toBe(true);
    // A lost race retries on the template's version; past its attempts it is a typed Conflict, never untyped.
    expect(failures.filter((f) => !f.endsWith(':Conflict'))).toEqual([]);

    // The template's log: assigned and unassigned strictly alternate, one per call that said it changed something.
    let events = await sut.events();
    const templateDocker = events.filter((e) => e.aggregate_id === template.id && e.kind.startsWith('system.catalog.template.module_') && e.data.module_name === 'docker-engine');
    const kinds = templateDocker.map((e) => (e.kind.endsWith('module_assigned') ? 'assigned' : 'unassigned'));
    expect(kinds.every((k, i) => k === (i % 2 === 0 ? 'assigned' : 'unassigned'))).toBe(true);
    expect(kinds.filter((k) => k === 'assigned')).toHaveLength(outcomes.filter((o) => o.op === 'assign' && o.outcome.ok && o.outcome.value.assigned).length);
    expect(kinds.filter((k) => k === 'unassigned')).toHaveLength(outcomes.filter((o) => o.op === 'unassign' && o.outcome.ok && o.outcome.value.unassigned).length);
    const finallyAssigned = kinds.at(-1) === 'assigned';

    // The catalog's read model, the handshake's view of the catalog and its hosts agree with the last event.
    const catalogRow = await sut.catalog[1].call(catalogActions.systemListTemplates, { name: 'races-assign' });
    expect(catalogRow.templates[0].modules.some((m: { name: string }) => m.name === 'docker-engine')).toBe(finallyAssigned);
    await eventually(
      async () => {
        for (const replica of sut.handshake) {
          const row = await selectRow(replica.runtime, desiredTemplatesProjection, template.id);
          expect(row?.modules.some((m) => m.name === 'docker-engine')).toBe(finallyAssigned);
        }
        for (const service of [...sut.handshake, ...sut.proxy]) {
          const rows = (await selectDocs(service.runtime, dockerHostsProjection, 'key = ANY($1)', [hostIds])) as DockerHostState[];
          expect(rows).toHaveLength(3);
          expect(rows.map((r) => r.viaTemplate !== null)).toEqual([finallyAssigned, finallyAssigned, finallyAssigned]);
        }
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    events = await sut.events();
    const perHost = hostIds.map((hostId) =>
      events.filter((e) => e.aggregate_id === hostId && (e.kind === 'system.docker.module.assigned' || e.kind === 'system.docker.module.unassigned')).map((e) => (e.kind.endsWith('.assigned') ? 'a' : 'u')).join(''),
    );
    console.log(`assign/unassign race: template ${kinds.map((k) => k[0]).join('')} (${kinds.length} events); hosts ${JSON.stringify(perHost)}`);
    for (const sequence of perHost) {
      // Each host's assignment alternates too (the policy reacts to state, so it may skip a flip), never twice in a row.
      expect(sequence).toMatch(/^(au)*a?$/);
      expect(sequence.split('a').length - 1).toBeLessThanOrEqual(kinds.filter((k) => k === 'assigned').length);
      expect(sequence.endsWith('a')).toBe(finallyAssigned);
    }
    const proxyRows = await sut.proxy[0].runtime.db.query(`SELECT count(*)::int AS n FROM "${sut.proxy[0].config.DATABASE_SCHEMA}"."${projectionTable(dockerHostsProjection)}" WHERE key = ANY($1)`, [hostIds]);
    expect(proxyRows[0].n).toBe(3);
  }, 120_000);

  it('provisions and then decommissions one runtime directly, 10 times each at once: one assignment, one decommission', async () => {
    const { template } = await sut.catalog[0].call(catalogActions.systemCreateTemplate, { name: 'races-direct' });
    const { instance } = await sut.catalog[0].call(catalogActions.systemProvisionInstance, { template_id: template.id });
    const { network } = await sut.sdwan[0].call(sdwanActions.systemSdwanCreateNetwork, { name: 'races-direct' });
    await sut.sdwan[0].call(sdwanActions.systemSdwanAttachPeer, { network_id: network.id, node_instance_id: instance.id });
    const hostId = dockerHostIdOf(instance.id);
    const fire = (action: ActionDef, input: unknown) =>
      Promise.all(Array.from({ length: 10 }, (_, i) => outcomeOf(() => sut.handshake[i % 2]!.call(action, input))));
    const provisioned = await fire(handshakeActions.systemProvisionDockerRuntime, { node_instance_id: instance.id });
    const decommissioned = await fire(dockerActions.systemDecommissionDockerRuntime, { host_id: hostId });
    const codes = (list: Outcome<unknown>[]) => tally(list.map((o) => (o.ok ? 'ok' : o.code)));
    const kinds = (await sut.events()).filter((e) => e.aggregate_id === hostId).map((e) => e.kind);
    console.log(`direct provision ×10: ${JSON.stringify(codes(provisioned))}; decommission ×10: ${JSON.stringify(codes(decommissioned))}; host events ${JSON.stringify(tally(kinds))}`);
    expect(codes(provisioned)).toEqual({ ok: 10 });
    expect(Object.keys(codes(decommissioned)).filter((c) => c !== 'ok' && c !== 'InstanceDecommissioned' && c !== 'NotFound')).toEqual([]);
    expect(tally(kinds)).toEqual({ 'system.docker.module.assigned': 1, 'system.docker.runtime.decommissioned': 1 });
  }, 60_000);

  it('two replicas of each service, one applying its projections: no duplicate rows, every read model equals a rebuild from the log', async () => {
    // One more burst through both catalog replicas: 20 templates, each with an instance.
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const { template } = await eitherCatalog(i).call(catalogActions.systemCreateTemplate, { name: `races-burst-${i}` });
        await eitherCatalog(i + 1).call(catalogActions.systemProvisionInstance, { template_id: template.id });
      }),
    );
    for (const pair of [sut.catalog, sut.sdwan, sut.handshake, sut.proxy]) {
      expect(pair.map((r) => r.runtime.projectionLease.isHeld()).sort()).toEqual([false, true]);
    }
    const audit = await auditEventLog(sut.nc, sut.store);
    expect(audit.broken).toEqual([]);
    expect(audit.repeatedIds).toEqual([]);
    // Checked from the standby replica: it reads the tables the holder wrote.
    const owners = [sut.ca.runtime, sut.catalog[1].runtime, sut.sdwan[1].runtime, sut.handshake[1].runtime, sut.proxy[1].runtime];
    const report: Record<string, string> = {};
    for (const owner of owners) {
      for (const check of await verifyReadModels(owner, 60_000)) {
        report[`${owner.config.DATABASE_SCHEMA.split('_').slice(1).join('_')}.${check.projection}`] = `@${check.position}`;
        expect({ projection: check.projection, ...check.diff }).toEqual({ projection: check.projection, onlyInA: [], onlyInB: [], different: [] });
      }
    }
    const templates = await sut.catalog[1].call(catalogActions.systemListTemplates, {});
    const burst = templates.templates.filter((t: { name: string }) => t.name.startsWith('races-burst-'));
    expect(burst).toHaveLength(20);
    const instances = await sut.catalog[0].call(catalogActions.systemListInstances, { limit: 1000 });
    expect(tally(instances.instances.map((i: { id: string }) => i.id))).toEqual(Object.fromEntries(instances.instances.map((i: { id: string }) => [i.id, 1])));
    expect(audit.perAggregate.get('system.catalog.template.created')?.size).toBe(templates.templates.length);
    // One row per aggregate the log holds, in each table (the key is the aggregate's id).
    const rowsOf = async (owner: { db: { query(sql: string): Promise<{ n: number }[]> }; config: { DATABASE_SCHEMA: string } }, projection: { name: string; version: number }) =>
      (await owner.db.query(`SELECT count(*)::int AS n FROM "${owner.config.DATABASE_SCHEMA}"."${projectionTable(projection)}"`))[0]!.n;
    const aggregates = (kind: string) => audit.perAggregate.get(kind)?.size ?? 0;
    const counts = {
      instances: [await rowsOf(sut.catalog[1].runtime, instancesProjection), aggregates('system.catalog.instance.provisioned')],
      templates: [await rowsOf(sut.catalog[1].runtime, templatesProjection), aggregates('system.catalog.template.created')],
      peers: [await rowsOf(sut.sdwan[1].runtime, peersProjection), [...(audit.perAggregate.get(ATTACHED)?.values() ?? [])].reduce((a, b) => a + b, 0)],
      handshakeHosts: [await rowsOf(sut.handshake[1].runtime, dockerHostsProjection), aggregates('system.docker.module.assigned')],
      proxyHosts: [await rowsOf(sut.proxy[1].runtime, dockerHostsProjection), aggregates('system.docker.module.assigned')],
    };
    console.log(`rows vs aggregates in the log: ${JSON.stringify(counts)}`);
    for (const [rows, inLog] of Object.values(counts)) expect(rows).toBe(inLog);
    expect(counts.instances[0]).toBeGreaterThanOrEqual(20 + 5);
    console.log(`projections: ${audit.commits} commits, ${audit.events} events; read models equal their rebuilds: ${Object.keys(report).length} projections ${JSON.stringify(report)}`);
  }, 180_000);
});
