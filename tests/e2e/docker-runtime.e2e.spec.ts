// Issue 6 end to end, the tutorial's Steps 1–3 over MCP with every part real: local instances (namespaces) with
// real agents, WireGuard between them and the hub, the platform CA, and a real dockerd per instance that the
// agent installs/configures/starts from the runtime handshake and that listens only on the overlay /128.
import { execFile, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { connect as tlsConnect } from 'node:tls';
import { caActions, DOCKER_ONBOARDING_KINDS, dockerHostIdOf, handshakeActions } from '@powernode/contracts';
import type { z } from 'zod';
import { buildCsr, exportPrivateKeyPem, generateKeyPair, normalizeSerial } from '@powernode/pki';
import { eventually } from '@powernode/testing';
import Docker from 'dockerode';
import { startLocalPlatform, type LocalPlatform } from '../../bench/support/local-platform.js';
import { provisionTwoNetworkFleet, type FleetName } from '../../bench/support/two-network-fleet.js';
import { addressesFor, createAddressPlan, createUnderlay, deleteUnderlay, namesFor } from '@powernode/netns';
import { daemonClient } from '@powernode/docker-host';
import { connectFrom } from '../../libs/wireguard/src/testing/netns-lab.js';

const run = promisify(execFile);
/** Daemon certificates live 2 minutes here, so the agent renews one (at 2/3) while the test watches. */
const DAEMON_CERT_TTL_S = 120;

type Host = z.output<typeof handshakeActions.managedDockerHost>;

describe('the docker runtime on real local instances (tutorial Steps 1–3)', () => {
  const servers: ChildProcess[] = [];
  let local: LocalPlatform;
  let platformTls: { ca: string[]; cert: string; key: string };
  let ids: Map<FleetName, string>;
  let ns: Map<FleetName, string>;
  let overlay: Map<FleetName, string>;
  let dockerTemplate: string;

  const hosts = async (): Promise<Host[]> => (await local.tool('system_list_managed_docker_hosts', {})).hosts;
  const hostOf = async (name: FleetName) => (await hosts()).find((h) => h.node_instance_id === ids.get(name));
  const daemon = (name: FleetName) => daemonClient(overlay.get(name)!, platformTls, 10_000);

  beforeAll(async () => {
    local = await startLocalPlatform({ gateway: true, handshake: { DOCKER_DAEMON_CERT_TTL_S: String(DAEMON_CERT_TTL_S) } });
    // a1 and a2 come from the docker template and share network A; b1 is a plain node on network B.
    ({ ids, ns, overlay, dockerTemplate } = await provisionTwoNetworkFleet(local));
    const keys = await generateKeyPair();
    const signed = await local.ca.call(caActions.caSign, { profile: 'docker-platform-client', csr_pem: await buildCsr({ keys, commonName: 'e2e' }), subject: {} });
    platformTls = { ca: signed.chain_pem, cert: signed.cert_pem + signed.chain_pem[0], key: await exportPrivateKeyPem(keys.privateKey) };
  }, 180_000);

  afterAll(async () => {
    for (const server of servers) server.kill('SIGKILL');
    await local?.destroy();
  });

  it('Step 1: the instance has an overlay /128', async () => {
    const network = (await local.tool('system_sdwan_list_networks', {})).networks.find((n: { name: string }) => n.name === `a-${local.prefix}`);
    const { peers } = await local.tool('system_sdwan_list_peers', { network_id: network.id });
    expect(peers.find((p: { node_instance_id?: string }) => p.node_instance_id === ids.get('a1'))?.overlay_address).toBe(overlay.get('a1'));
  });

  it('Steps 2–3: assigning docker-engine to the template makes both instances connected Docker hosts, with the six tutorial events in order', async () => {
    const { instance } = await local.tool('system_get_instance', { id: ids.get('a1') });
    await local.tool('system_assign_module_to_template', { template_id: instance.node_template_id, module_name: 'docker-engine' });
    await eventually(
      async () => {
        for (const name of ['a1', 'a2'] as const) expect(await hostOf(name)).toMatchObject({ status: 'connected', api_endpoint: `tcp://[${overlay.get(name)}]:2376` });
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(await hostOf('b1')).toBeUndefined();
    const { events } = await local.tool('recent_events', { kind_prefix: 'system.docker', limit: 200 });
    const a1Host = dockerHostIdOf(ids.get('a1')!);
    const kinds = (events as { kind: string; aggregate_id: string }[]).filter((e) => e.aggregate_id === a1Host).map((e) => e.kind).reverse();
    expect(kinds.filter((k) => (DOCKER_ONBOARDING_KINDS as readonly string[]).includes(k))).toEqual([...DOCKER_ONBOARDING_KINDS]);
    // Each instance runs its own daemon, answering with its own version.
    for (const name of ['a1', 'a2'] as const) expect((await daemon(name).version()).Version).toBe((await hostOf(name))!.version);
  }, 150_000);

  it("binds dockerd only to the instance's overlay /128, port 2376", async () => {
    const { stdout } = await run('nsenter', [`--net=/var/run/netns/${ns.get('a1')}`, '--', 'ss', '-Htlnp']);
    const listeners = stdout.trim().split('\n').filter(Boolean).map((line) => line.split(/\s+/)[3]);
    expect(listeners).toEqual([`[${overlay.get('a1')}]:2376`]);
    expect(stdout).toContain('dockerd');
  });

  it('lets the platform in with its client certificate, and nobody without one or off the network', async () => {
    expect(String(await daemon('a1').ping())).toBe('OK');
    // From the hub's namespace without a client certificate: the TLS handshake is refused.
    await expect(tlsHandshake(overlay.get('a1')!, platformTls.ca)).rejects.toThrow();
    // A peer of another network has no route to it, and WireGuard would drop it anyway.
    expect(await connectFrom(ns.get('b1'), overlay.get('a1')!, 2376, 2_000)).toMatch(/^error: /);
    // A machine on the underlay that is no overlay peer: its packets may reach the hub, never the daemon.
    const names = namesFor(local.prefix, 'inst-outsider');
    await createUnderlay(names, addressesFor(createAddressPlan('fd5e:7e57::/48', '198.18.0.0/15'), 4_001));
    try {
      expect(await connectFrom(names.namespace, overlay.get('a1')!, 2376, 2_000)).toMatch(/^error: /);
    } finally {
      await deleteUnderlay(names);
    }
  }, 30_000);

  it('renews the daemon certificate before it expires and keeps a running container alive', async () => {
    const docker = daemon('a1');
    await importBusybox(docker);
    const container = await docker.createContainer({ Image: 'pn-busybox:e2e', Cmd: ['/bin/sleep', '100000'], name: 'survivor' });
    await container.start();
    const startedAt = (await container.inspect()).State.StartedAt;
    const before = (await hostOf('a1'))!.certificate!.serial;
    await eventually(async () => expect((await hostOf('a1'))!.certificate!.serial).not.toBe(before), { timeoutMs: DAEMON_CERT_TTL_S * 1000, intervalMs: 1_000 });
    // The daemon restarted with the new certificate (live-restore): it serves the new serial, the container never stopped.
    await eventually(async () => expect(await servedSerial(overlay.get('a1')!)).toBe((await hostOf('a1'))!.certificate!.serial), { timeoutMs: 30_000, intervalMs: 500 });
    const after = await daemon('a1').getContainer('survivor').inspect();
    expect(after.State.Running).toBe(true);
    expect(after.State.StartedAt).toBe(startedAt);
    expect((await hostOf('a1'))!.status).toBe('connected');
  }, DAEMON_CERT_TTL_S * 1000 + 60_000);

  it('stops the daemons when the module is unassigned', async () => {
    await local.tool('system_unassign_module_from_template', { template_id: dockerTemplate, module_name: 'docker-engine' });
    await eventually(
      async () => {
        for (const name of ['a1', 'a2'] as const) expect(await hostOf(name)).toMatchObject({ status: 'disconnected' });
        const { stdout } = await run('nsenter', [`--net=/var/run/netns/${ns.get('a1')}`, '--', 'ss', '-Htlnp']);
        expect(stdout.trim()).toBe('');
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }, 90_000);

  /** A TLS handshake with the daemon presenting no client certificate. */
  function tlsHandshake(address: string, ca: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: address, port: 2376, ca, servername: '' }, () => {
        // TLS 1.3 reports a refused client certificate after the handshake: ask something to see it.
        socket.write('GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      socket.once('data', (data) => (String(data).startsWith('HTTP/1.1 200') ? resolve() : reject(new Error(String(data)))));
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('closed')));
    });
  }

  /** The serial of the certificate the daemon presents now. */
  function servedSerial(address: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: address, port: 2376, ca: platformTls.ca, cert: platformTls.cert, key: platformTls.key, servername: '' }, () => {
        const serial = socket.getPeerCertificate().serialNumber;
        socket.end();
        resolve(normalizeSerial(serial));
      });
      socket.once('error', reject);
    });
  }
});

/** A one-binary image from the machine's busybox-static (no registry can be pulled from here). */
async function importBusybox(docker: Docker): Promise<void> {
  const { stdout } = await run('sh', ['-c', 'd=$(mktemp -d) && mkdir -p $d/bin && cp /bin/busybox $d/bin/ && ln -s busybox $d/bin/sleep && ln -s busybox $d/bin/sh && tar -C $d -c . | base64 -w0 && rm -rf $d'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const stream = await docker.importImage(Readable.from(Buffer.from(stdout, 'base64')), { repo: 'pn-busybox', tag: 'e2e' });
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve(undefined))));
}
