// Issue 7 end to end: the tutorial's Step 4, Verification (MCP and curl from an access-grant peer) and Cleanup
// through MCP, on real local instances with real agents, WireGuard, dockerd, the platform CA and the platform
// image registry; then health: a killed dockerd goes disconnected → error → connected once the agent restarts it.
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { X509Crl } from '@peculiar/x509';
import { dockerActions } from '@powernode/contracts';
import type { z } from 'zod';
import { normalizeSerial } from '@powernode/pki';
import { eventually } from '@powernode/testing';
import { ensureInterface, parseWgQuick, removeInterface } from '@powernode/wireguard';
import { startLocalPlatform, type LocalPlatform } from '../../bench/support/local-platform.js';
import { provisionTwoNetworkFleet, type FleetName } from '../../bench/support/two-network-fleet.js';
import { addressesFor, createAddressPlan, createUnderlay, deleteUnderlay, namesFor } from '@powernode/netns';
import { httpGetFrom } from '../../libs/wireguard/src/testing/netns-lab.js';

const run = promisify(execFile);

type Host = z.output<typeof dockerActions.dockerHost>;

interface EventSummary {
  kind: string;
  aggregate_id: string;
  actor: string;
  data: Record<string, unknown>;
}

describe('docker-proxy: the tutorial Step 4, Verification and Cleanup over MCP on real hosts', () => {
  let local: LocalPlatform;
  let ids: Map<FleetName, string>;
  let ns: Map<FleetName, string>;
  let overlay: Map<FleetName, string>;
  let networkA: string;
  let image: string;
  let containerId: string;
  const hostOf = async (name: FleetName): Promise<Host | undefined> =>
    ((await local.tool('docker_list_hosts', {})).hosts as Host[]).find((h) => h.node_instance_id === ids.get(name));
  const hostId = async (name: FleetName) => (await hostOf(name))!.id;
  const operationsOn = async (host: string): Promise<EventSummary[]> =>
    ((await local.tool('recent_events', { kind_prefix: 'system.docker', limit: 500 })).events as EventSummary[])
      .filter((e) => e.aggregate_id === host && /^system\.docker\.(image|container)\./.test(e.kind))
      .reverse();
  /** Calls an action as an operator with only the given roles, straight to the docker-proxy over NATS. */
  const asOperator = (action: (typeof dockerActions)[keyof typeof dockerActions], input: Record<string, unknown>, roles = ['operator']) =>
    local.dockerProxy.call(action as never, input, { caller: 'ops-e2e', roles });

  beforeAll(async () => {
    local = await startLocalPlatform({ gateway: true, registry: true });
    image = local.registry!.images[0]!;
    let dockerTemplate: string;
    ({ ids, ns, overlay, networkA, dockerTemplate } = await provisionTwoNetworkFleet(local));
    await local.tool('system_assign_module_to_template', { template_id: dockerTemplate, module_name: 'docker-engine' });
    await eventually(
      async () => {
        for (const name of ['a1', 'a2'] as const) expect(await hostOf(name)).toMatchObject({ status: 'connected' });
      },
      { timeoutMs: 150_000, intervalMs: 500 },
    );
  }, 240_000);

  afterAll(async () => {
    await local?.destroy();
  }, 120_000);

  it('lists the hosts in the tutorial shape, with their health', async () => {
    const a1 = await hostOf('a1');
    expect(a1).toMatchObject({ node_instance_id: ids.get('a1'), api_endpoint: `tcp://[${overlay.get('a1')}]:2376`, status: 'connected', consecutive_failures: 0 });
    expect(a1!.id).toMatch(/^host-[0-9a-f-]{36}$/);
    expect(a1!.version).toMatch(/^\d+\.\d+/);
    expect(await hostOf('b1')).toBeUndefined();
    const tested = await local.tool('docker_test_host', { host_id: a1!.id });
    expect(tested).toMatchObject({ host_id: a1!.id, reachable: true, status: 'connected', version: a1!.version });
    // Two hosts are connected: which one must be said.
    await expect(local.tool('docker_list_containers', {})).rejects.toThrow(/InvalidInput.*host_id is required/);
    const { registry } = await local.tool('platform_provisioning_status', {});
    expect(registry).toMatchObject({ ready: true, reachable: true });
    expect(registry.images).toContain(image);
  });

  it('Step 4: pulls from the platform registry and runs the web server with its port on the overlay only', async () => {
    const host = await hostId('a1');
    const { image: pulled } = await local.tool('docker_pull_image', { host_id: host, image });
    expect(pulled.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pulled.repo_tags).toContain(image);
    expect(pulled.size).toBeGreaterThan(100_000);

    const { container } = await local.tool('docker_create_container', { host_id: host, image, name: 'hello-web', ports: [{ host: 8080, container: 80 }], detach: true });
    containerId = container.id;
    expect(container).toMatchObject({ name: 'hello-web', state: 'running', image });
    expect(container.ports).toEqual([expect.objectContaining({ host_ip: overlay.get('a1'), host: 8080, container: 80, protocol: 'tcp' })]);

    // recent_events reads the gateway's event log, a projection: it may be a moment behind.
    let events: EventSummary[] = [];
    await eventually(async () => {
      events = await operationsOn(host);
      expect(events.map((e) => e.kind)).toContain('system.docker.container.started');
    });
    expect(events.map((e) => e.kind).filter((k) => k !== 'system.docker.image.pull_progress')).toEqual([
      'system.docker.image.pulled',
      'system.docker.container.created',
      'system.docker.container.started',
    ]);
    for (const event of events) expect(event.actor).toMatch(/^operator:/);
  }, 120_000);

  it('Verification via MCP: the container is listed Up, live from the daemon', async () => {
    const { containers } = await local.tool('docker_list_containers', { host_id: await hostId('a1') });
    const web = containers.find((c: { id: string }) => c.id === containerId);
    expect(web).toMatchObject({ name: 'hello-web', state: 'running', image });
    expect(web.status).toMatch(/^Up /);
    const { container } = await local.tool('docker_get_container', { host_id: await hostId('a1'), container_id: 'hello-web' });
    expect(container.id).toBe(containerId);
    const { lines } = await local.tool('docker_container_logs', { host_id: await hostId('a1'), container_id: 'hello-web', tail: 10 });
    expect(Array.isArray(lines)).toBe(true);
    // The last sync is kept with the host.
    const synced = await local.tool('docker_sync_host', { host_id: await hostId('a1') });
    expect(synced.containers.map((c: { name: string }) => c.name)).toEqual(['hello-web']);
    expect(synced.images.flatMap((i: { repo_tags: string[] }) => i.repo_tags)).toContain(image);
    const kept = await local.tool('docker_get_host', { host_id: await hostId('a1') });
    expect(kept).toMatchObject({ host: { id: await hostId('a1'), status: 'connected' }, synced_at: synced.synced_at });
    expect(kept.containers).toEqual(synced.containers);
  });

  it('stops, starts and restarts the container, each recorded with the operator as actor', async () => {
    const host = await hostId('a1');
    expect((await local.tool('docker_stop_container', { host_id: host, container_id: 'hello-web', timeout_s: 1 })).container.state).toBe('exited');
    expect((await local.tool('docker_start_container', { host_id: host, container_id: 'hello-web' })).container.state).toBe('running');
    expect((await local.tool('docker_restart_container', { host_id: host, container_id: 'hello-web', timeout_s: 1 })).container.state).toBe('running');
    await eventually(async () =>
      expect((await operationsOn(host)).map((e) => e.kind).slice(-3)).toEqual(['system.docker.container.stopped', 'system.docker.container.started', 'system.docker.container.restarted']),
    );
  }, 30_000);

  it('Verification via curl: an access-grant peer on the same network gets the page; another network and the underlay do not', async () => {
    const url = `http://[${overlay.get('a1')}]:8080/`;
    const laptopNames = namesFor(local.prefix, 'inst-laptop');
    await createUnderlay(laptopNames, addressesFor(createAddressPlan('fd5e:7e57::/48', '198.18.0.0/15'), 4_100));
    const wg = `pn-${randomBytes(6).toString('hex')}`;
    try {
      // The underlay alone reaches nothing on the overlay.
      expect(await httpGetFrom(laptopNames.namespace, url)).toMatch(/^error: /);
      const { wireguard_config } = await local.tool('system_sdwan_create_access_grant', { network_id: networkA, device_name_hint: 'ops-laptop' });
      const config = parseWgQuick(wireguard_config);
      await ensureInterface({ name: wg, netns: laptopNames.namespace, listenPort: 44_000 + Math.floor(Math.random() * 1_000), address: config.address, privateKey: config.privateKey, peers: config.peers });
      await eventually(async () => expect(await httpGetFrom(laptopNames.namespace, url)).toMatch(/^200 [\s\S]*powernode\/busybox-httpd/), { timeoutMs: 30_000, intervalMs: 500 });
      // A peer of network B has no way to it.
      expect(await httpGetFrom(ns.get('b1'), url)).toMatch(/^error: /);
    } finally {
      await removeInterface(wg, laptopNames.namespace).catch(() => undefined);
      await deleteUnderlay(laptopNames);
    }
    // Bound to the overlay /128 only, never 0.0.0.0 or [::].
    const { stdout } = await run('nsenter', [`--net=/var/run/netns/${ns.get('a1')}`, '--', 'ss', '-Htln']);
    const on8080 = stdout.trim().split('\n').map((line) => line.split(/\s+/)[3]).filter((a) => a?.endsWith(':8080'));
    expect(on8080).toEqual([`[${overlay.get('a1')}]:8080`]);
  }, 90_000);

  it('refuses bad input with typed errors and records nothing', async () => {
    const host = await hostId('a1');
    const before = (await operationsOn(host)).length;
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ host_id: 'host-00000000-0000-8000-8000-000000000000', image }, /NotFound/],
      [{ host_id: host, image, name: 'hello-web' }, /Conflict/],
      [{ host_id: host, image, ports: [{ host: 70_000, container: 80 }] }, /InvalidInput/],
      [{ host_id: host, image, ports: [{ host: 9000, container: 80 }, { host: 9000, container: 81 }] }, /InvalidInput/],
      [{ host_id: host, image: `${image}-missing` }, /NotFound/],
    ];
    for (const [input, code] of refusals) await expect(local.tool('docker_create_container', input)).rejects.toThrow(code);
    await expect(local.tool('docker_pull_image', { host_id: host, image: `${image.slice(0, image.lastIndexOf(':'))}:no-such-tag` })).rejects.toThrow(/NotFound/);
    // The host's powers need system.docker_privileged, which the operator role does not hold.
    await expect(asOperator(dockerActions.dockerCreateContainer, { host_id: host, image, params: { HostConfig: { Privileged: true } } })).rejects.toMatchObject({ code: 'Forbidden' });
    await expect(asOperator(dockerActions.dockerCreateContainer, { host_id: host, image, params: { HostConfig: { NetworkMode: 'host' } } })).rejects.toMatchObject({ code: 'Forbidden' });
    // Through the gateway, a viewer reads but does not delete.
    await local.tool('identity_create_account', { name: 'vic-e2e', roles: ['viewer'] });
    const { token } = await local.tool('identity_issue_token', { account_id: 'vic-e2e' });
    const post = (action: string, input: Record<string, unknown>) =>
      fetch(`${local.gateway!.httpUrl}/api/v1/actions/${action}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
    expect((await post('docker_list_containers', { host_id: host })).status).toBe(200);
    const denied = await post('docker_delete_container', { host_id: host, container_id: 'hello-web', force: true });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ code: 'PermissionDenied' });
    expect((await operationsOn(host)).length).toBe(before);
    const { containers } = await local.tool('docker_list_containers', { host_id: host });
    expect(containers.map((c: { name: string }) => c.name)).toEqual(['hello-web']);
  }, 60_000);

  it('Cleanup: deletes the container and the image, then decommissions the daemon and revokes its certificate', async () => {
    const host = await hostId('a1');
    await expect(local.tool('docker_delete_container', { host_id: host, container_id: containerId })).rejects.toThrow(/Conflict/);
    await local.tool('docker_delete_container', { host_id: host, container_id: containerId, force: true });
    expect((await local.tool('docker_list_containers', { host_id: host })).containers).toEqual([]);
    const deleted = await local.tool('docker_delete_image', { host_id: host, image_id: image });
    expect(deleted.untagged).toContain(image);
    expect((await local.tool('docker_list_images', { host_id: host })).images.flatMap((i: { repo_tags: string[] }) => i.repo_tags)).not.toContain(image);

    const { host: managed, revoked_serial } = await local.tool('system_decommission_docker_runtime', { host_id: host });
    expect(managed.phase).toBe('decommissioned');
    expect(revoked_serial).toMatch(/^[0-9a-f]+$/);
    await eventually(async () => expect(await hostOf('a1')).toBeUndefined(), { timeoutMs: 10_000, intervalMs: 250 });
    // The agent stops dockerd and removes its certificates: nothing listens on 2376 any more.
    await eventually(
      async () => {
        const { stdout } = await run('nsenter', [`--net=/var/run/netns/${ns.get('a1')}`, '--', 'ss', '-Htln']);
        expect(stdout).not.toContain(':2376');
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const { crl_pem } = await local.tool('ca_get_crl', {});
    const revoked = new X509Crl(crl_pem).entries.map((e) => normalizeSerial(e.serialNumber));
    expect(revoked).toContain(normalizeSerial(revoked_serial));
    const kinds = (await operationsOn(host)).map((e) => e.kind);
    expect(kinds.slice(-2)).toEqual(['system.docker.container.deleted', 'system.docker.image.deleted']);
    // The template still assigns docker-engine: the operator's decommission holds anyway.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await hostOf('a1')).toBeUndefined();
    await expect(local.tool('docker_list_containers', { host_id: host })).rejects.toThrow(/NotFound/);
  }, 120_000);

  it('health: a killed dockerd makes the host disconnected, then error after 5 failed probes; the restarted one makes it connected', async () => {
    const host = await hostId('a2');
    const agent = await pidIn(ns.get('a2')!, /powernode-agent|apps\/agent\/src\/main\.js/);
    const dockerd = await pidIn(ns.get('a2')!, /(^|\/)dockerd( |$)/);
    process.kill(agent, 'SIGSTOP'); // holds the agent's supervisor so the outage lasts past 5 probes
    try {
      process.kill(dockerd, 'SIGKILL');
      await eventually(async () => expect(await hostOf('a2')).toMatchObject({ status: 'disconnected' }), { timeoutMs: 20_000, intervalMs: 200 });
      await eventually(async () => expect(await hostOf('a2')).toMatchObject({ status: 'error' }), { timeoutMs: 30_000, intervalMs: 200 });
      expect((await hostOf('a2'))!.consecutive_failures).toBeGreaterThanOrEqual(5);
    } finally {
      process.kill(agent, 'SIGCONT');
    }
    await eventually(async () => expect(await hostOf('a2')).toMatchObject({ status: 'connected', consecutive_failures: 0 }), { timeoutMs: 90_000, intervalMs: 500 });
    const health = ((await local.tool('recent_events', { kind_prefix: 'system.docker.host', limit: 100 })).events as EventSummary[])
      .filter((e) => e.aggregate_id === host)
      .reverse()
      .map((e) => `${e.kind}:${String(e.data.status ?? e.data.previous_status)}`);
    // Only transitions: one disconnected, one error, one connected (from error).
    expect(health).toEqual(['system.docker.host.unreachable:disconnected', 'system.docker.host.unreachable:error', 'system.docker.host.connected:error']);
  }, 180_000);
});

/** The pid of the process in `netns` whose command line matches. */
async function pidIn(netns: string, pattern: RegExp): Promise<number> {
  const { stdout } = await run('ip', ['netns', 'pids', netns]);
  for (const pid of stdout.trim().split('\n').filter(Boolean).map(Number)) {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
    if (pattern.test(cmdline)) return pid;
  }
  throw new Error(`no process matching ${pattern} in ${netns}: ${(await readdir('/proc')).length} processes looked at`);
}
