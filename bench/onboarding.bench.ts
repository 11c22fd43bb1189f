// Onboarding benchmark: time from `system_assign_module_to_template({ module_name: "docker-engine" })` to the
// DockerHost being `connected` on a warm local instance (Docker installed, overlay up), against the time dockerd
// alone takes to start and answer a TLS `/_ping` over the overlay on the same instance, in the same run.
// The ratio is onboarding / dockerd alone (goal ≤ 1.5; the original needed 2–3 minutes per host).
// Run: npm run bench:onboarding (builds first; root; NATS, PostgreSQL, wireguard-go, docker.io).
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caActions, catalogActions, handshakeActions, sdwanActions } from '@powernode/contracts';
import { buildCsr, exportPrivateKeyPem, generateKeyPair } from '@powernode/pki';
import { eventually } from '@powernode/testing';
import { daemonClient } from '@powernode/docker-host';
import { startLocalPlatform } from './support/local-platform.js';

const ROUNDS = 3;
const BASELINE_PORT = 2377;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const local = await startLocalPlatform({ gateway: true });
try {
  const { catalog, sdwan, ca, handshake } = local;
  const { template } = await catalog.call(catalogActions.systemCreateTemplate, { name: `bench-${local.prefix}` });
  const { instance } = await catalog.call(catalogActions.systemProvisionInstance, { template_id: template.id, name: `bench-${local.prefix}` });
  const { network } = await sdwan.call(sdwanActions.systemSdwanCreateNetwork, { name: `bench-${local.prefix}` });
  const { peer } = await sdwan.call(sdwanActions.systemSdwanAttachPeer, { network_id: network.id, node_instance_id: instance.id });
  const overlay: string = peer.overlay_address;
  await eventually(
    async () => {
      const { peers } = await sdwan.call(sdwanActions.systemSdwanListPeers, { network_id: network.id });
      if (!peers.every((p: { status: string }) => p.status === 'active')) throw new Error('overlay not up yet');
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  const namespace = (await catalog.provider!.list()).find((p) => p.instanceId === instance.id)!.namespace;

  // The platform's view of a daemon: its client certificate, the same TLS /_ping the handshake does.
  const clientKeys = await generateKeyPair();
  const client = await ca.call(caActions.caSign, { profile: 'docker-platform-client', csr_pem: await buildCsr({ keys: clientKeys, commonName: 'bench' }), subject: {} });
  const tls = { ca: client.chain_pem, cert: client.cert_pem + client.chain_pem[0], key: await exportPrivateKeyPem(clientKeys.privateKey) };

  /**
   * dockerd alone, configured as the agent configures it (TLS on the overlay) and on the instance's own data and
   * exec roots (a warm data-root starts slower than an empty one), from spawn to a TLS /_ping.
   */
  async function dockerdAlone(roots: { 'data-root': string; 'exec-root': string }): Promise<number> {
    const root = await mkdtemp(join(tmpdir(), 'pn-bench-dockerd-'));
    const keys = await generateKeyPair('Ed25519');
    const subject = { instance_id: instance.id, overlay_address: overlay, host_name: `${instance.id}.nodes.powernode` };
    const server = await ca.call(caActions.caSign, { profile: 'docker-daemon-server', csr_pem: await buildCsr({ keys, commonName: 'bench' }), subject });
    await writeFile(join(root, 'ca.pem'), server.chain_pem[server.chain_pem.length - 1]);
    await writeFile(join(root, 'cert.pem'), server.cert_pem + server.chain_pem[0]);
    await writeFile(join(root, 'key.pem'), await exportPrivateKeyPem(keys.privateKey), { mode: 0o600 });
    const config = {
      hosts: [`tcp://[${overlay}]:${BASELINE_PORT}`],
      tls: true,
      tlsverify: true,
      tlscacert: join(root, 'ca.pem'),
      tlscert: join(root, 'cert.pem'),
      tlskey: join(root, 'key.pem'),
      'live-restore': true,
      ...roots,
      pidfile: join(root, 'dockerd.pid'),
    };
    await writeFile(join(root, 'daemon.json'), JSON.stringify(config));
    const started = performance.now();
    const dockerd = spawn('nsenter', [`--net=/var/run/netns/${namespace}`, '--', 'dockerd', '--config-file', join(root, 'daemon.json')], { stdio: 'ignore' });
    try {
      await eventually(async () => void (await daemonClient(overlay, tls, 1_000, BASELINE_PORT).ping()), { timeoutMs: 60_000, intervalMs: 10 });
      return performance.now() - started;
    } finally {
      dockerd.kill('SIGTERM');
      await new Promise((resolve) => dockerd.once('exit', resolve));
      await rm(root, { recursive: true, force: true });
    }
  }

  /** Assignment to `connected`, as an operator sees it through system_list_managed_docker_hosts. */
  /** Milliseconds from the assignment to each docker event of the instance's host (event times, the last round). */
  async function breakdown(assignedAt: number): Promise<string> {
    const { events } = await local.tool('recent_events', { kind_prefix: 'system.docker', limit: 50 });
    const hostEvents = (events as { kind: string; occurred_at: string; data: { instance_id?: string; host_id?: string } }[]).reverse();
    const since = hostEvents.filter((e) => Date.parse(e.occurred_at) >= assignedAt - 5);
    return since.map((e) => `  +${String(Date.parse(e.occurred_at) - assignedAt).padStart(4)} ms  ${e.kind}`).join('\n');
  }

  let lastBreakdown = '';
  let agentRoots: { 'data-root': string; 'exec-root': string } | undefined;
  async function onboarding(): Promise<number> {
    const assignedAt = Date.now();
    const started = performance.now();
    await catalog.call(catalogActions.systemAssignModuleToTemplate, { template_id: template.id, module_name: 'docker-engine' });
    await eventually(
      async () => {
        const { hosts } = await handshake.call(handshakeActions.systemListManagedDockerHosts, { node_instance_id: instance.id });
        if (hosts[0]?.status !== 'connected') throw new Error(`host is ${hosts[0]?.status ?? 'absent'}`);
      },
      { timeoutMs: 120_000, intervalMs: 10 },
    );
    const elapsed = performance.now() - started;
    lastBreakdown = await breakdown(assignedAt);
    const written = JSON.parse(await readFile(join(local.stateDir, 'instances', instance.id, 'docker', 'daemon.json'), 'utf8')) as Record<string, string>;
    agentRoots = { 'data-root': written['data-root']!, 'exec-root': written['exec-root']! };
    await catalog.call(catalogActions.systemUnassignModuleFromTemplate, { template_id: template.id, module_name: 'docker-engine' });
    await eventually(
      async () => {
        const { hosts } = await handshake.call(handshakeActions.systemListManagedDockerHosts, { node_instance_id: instance.id });
        if (hosts[0]?.status !== 'disconnected') throw new Error('not stopped yet');
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    return elapsed;
  }

  // A first onboarding warms the instance (its data-root exists) and tells where the agent keeps it.
  const warmUp = await onboarding();
  console.log(`warm-up: assign → connected ${warmUp.toFixed(0)} ms`);
  const alone: number[] = [];
  const onboarded: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    alone.push(await dockerdAlone(agentRoots!));
    onboarded.push(await onboarding());
    console.log(`round ${round + 1}: dockerd alone ${alone[round]!.toFixed(0)} ms, assign → connected ${onboarded[round]!.toFixed(0)} ms`);
  }
  const a = median(alone);
  const o = median(onboarded);
  console.log(`\nlast round, event times after the assignment:\n${lastBreakdown}`);
  console.log(`\nmedian of ${ROUNDS}: dockerd start → TLS /_ping ${a.toFixed(0)} ms; system_assign_module_to_template → connected ${o.toFixed(0)} ms`);
  console.log(`(warm instance: docker installed, overlay up, the same data and exec roots for both; onboarding = policy, installing, Ed25519 key + CSR, CA signature, daemon.json, dockerd start, agent ping, platform TLS /_ping over WireGuard)\n`);
  console.log(`RESULT onboarding assign_to_connected_ms=${o.toFixed(0)} dockerd_alone_ms=${a.toFixed(0)} ratio=${(o / a).toFixed(2)}`);
} finally {
  await local.destroy();
}
