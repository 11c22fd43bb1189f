import { spawn } from 'node:child_process';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { dockerActions, PlatformError } from '@powernode/contracts';
import { pushImage, seedImage, startRegistry, type ImageArtifact, type RunningRegistry } from '@powernode/registry';
import { eventually } from '@powernode/testing';
// libs/registry does not export its netns+dockerd lab (test support) through its index yet; until it does, a path import.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { NetnsDockerdLab, requireRoot } from '../../../../libs/registry/src/testing/netns-dockerd-lab.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { testRegistryCa, testRegistryCertificate } from '../../../../libs/registry/src/testing/registry-pki.js';
import { DaemonOperations } from './daemon-operations.js';
import type { PullProgress } from './pull-progress.js';

async function rejection(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof PlatformError)) throw new Error(`expected a PlatformError, got ${String(error)}`);
  return error;
}

/** Like lab.startDockerd, with extra daemon.json settings; lab.destroy finds it by its pidfile and directory. */
async function startDockerdWith(lab: NetnsDockerdLab, extra: Record<string, unknown>): Promise<void> {
  const config = {
    hosts: [lab.dockerHost],
    'data-root': join(lab.dir, 'data'),
    'exec-root': join(lab.dir, 'exec'),
    pidfile: join(lab.dir, 'dockerd.pid'),
    'cgroup-parent': `/pnreg-${lab.hex}`,
    ...extra,
  };
  await writeFile(join(lab.dir, 'daemon.json'), JSON.stringify(config));
  const log = openSync(join(lab.dir, 'dockerd.log'), 'a');
  try {
    spawn('nsenter', [`--net=/var/run/netns/${lab.ns}`, '--', 'dockerd', '--config-file', join(lab.dir, 'daemon.json')], { stdio: ['ignore', log, log] }).on('error', () => undefined);
  } finally {
    closeSync(log);
  }
  await eventually(() => lab.docker(['version', '--format', '{{.Server.Version}}'], 5_000), { timeoutMs: 30_000, intervalMs: 200 }).catch(async (error: unknown) => {
    throw new Error(`${String(error)}\ndockerd: ${await lab.dockerdLog()}`);
  });
}

describe(DaemonOperations.name, () => {
  const lab = new NetnsDockerdLab();
  // A ULA /128 of our own on the namespace's lo stands in for the host's overlay address.
  // Spelt as the platform spells addresses (no leading zeros), so expectations can compare strings.
  const group = () => randomBytes(2).readUInt16BE(0).toString(16);
  const overlay = `fd${randomBytes(1).toString('hex')}:${group()}:${group()}::2`;
  const hostId = `host-${randomUUID()}`;
  let registry: RunningRegistry | undefined;
  let image: ImageArtifact;
  let reference: string;
  let sut: DaemonOperations;
  let webId: string;

  const curl = (url: string) => lab.inNs(['curl', '-sS', '-g', '--max-time', '2', url], 5_000);
  const create = (input: Record<string, unknown>) => dockerActions.dockerCreateContainer.input.parse(input);

  beforeAll(async () => {
    requireRoot();
    await NetnsDockerdLab.sweepLeftovers();
    const ca = await testRegistryCa('Daemon Ops Test');
    await lab.create();
    await lab.inNs(['ip', '-6', 'addr', 'add', `${overlay}/128`, 'dev', 'lo', 'nodad']);
    registry = await startRegistry({ dataDir: join(lab.dir, 'registry'), host: lab.registryHost, port: randomInt(20_000, 60_000), ...(await testRegistryCertificate(ca, lab.registryHost)) });
    image = await seedImage();
    await pushImage(registry.url, { caPem: ca.root.certificatePem }, image);
    await lab.trustRegistry(registry.address, ca.root.certificatePem);
    await lab.startDockerd();
    reference = `${registry.address}/${image.repository}:latest`;
    sut = new DaemonOperations(new Docker({ socketPath: lab.dockerHost.replace(/^unix:\/\//, '') }), { id: hostId, overlay }, 15_000, { progressIntervalMs: 0 });
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
    await lab.destroy();
  }, 90_000);

  it('probes the daemon: /_ping OK, then /info', async () => {
    const facts = await sut.probe();
    expect(facts.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(facts).toMatchObject({ containers: 0, images: 0 });
  });

  it('pulls an image, reporting progress, and answers what the daemon holds', async () => {
    const progress: PullProgress[] = [];
    const pulled = await sut.pullImage(reference, (report) => progress.push(report));

    expect(pulled.repo_tags).toEqual([reference]);
    expect(pulled.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pulled.size).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ layers_done: image.layers.length, layers_total: image.layers.length });
    expect((await sut.listImages()).map((listed) => listed.id)).toEqual([pulled.id]);
  }, 60_000);

  it('answers NotFound with the daemon’s message for an image the registry does not have', async () => {
    const error = await rejection(sut.pullImage(`${registry!.address}/powernode/missing:1`, () => undefined));
    expect(error.code).toBe('NotFound');
    expect(error.message).toMatch(/not found|manifest unknown/i);
    expect(error.details).toMatchObject({ host_id: hostId });
  }, 60_000);

  it('creates and starts a container whose published port binds the overlay address only', async () => {
    const created = await sut.createContainer(
      create({ image: reference, name: 'web', ports: [{ host: 8080, container: 80 }], env: { GREETING: 'secret-value' }, cmd: 'echo started; echo warned >&2; exec httpd -f -p 80 -h /www', detach: true }),
      { allowPrivileged: false },
    );
    webId = created.container.id;
    expect(created.published).toEqual([{ host_ip: overlay, host: 8080, container: 80, protocol: 'tcp' }]);
    expect(created.container).toMatchObject({ name: 'web', state: 'running', cmd: ['sh', '-c', expect.stringContaining('httpd')], env_keys: ['GREETING', 'PATH'] });
    expect(JSON.stringify(created.container)).not.toContain('secret-value');
    expect(created.container.status).toMatch(/^Up /);

    const listed = (await sut.listContainers(false)).find((container) => container.id === webId);
    expect(listed).toMatchObject({ name: 'web', state: 'running', status: expect.stringMatching(/^Up /) });
    expect(listed!.ports).toEqual([{ host_ip: overlay, host: 8080, container: 80, protocol: 'tcp' }]);
  }, 60_000);

  it('serves the page on [overlay]:8080 and on no other address of the host', async () => {
    const page = await eventually(() => curl(`http://[${overlay}]:8080/`), { timeoutMs: 20_000, intervalMs: 200 }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\ndockerd: ${await lab.dockerdLog()}`);
    });
    expect(page).toContain(`${image.repository}:${image.tags[0]}`);
    // The container sits on the IPv4-only default bridge: dockerd's userland proxy carries the IPv6 host address.
    const listening = await lab.inNs(['ss', '-Htlnp', 'sport', '= :8080']);
    expect(listening.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`\\[${overlay}\\]:8080 .*"docker-proxy"`))]);
    await expect(curl('http://127.0.0.1:8080/')).rejects.toThrow(/refused|connect/i);
    await expect(curl('http://[::1]:8080/')).rejects.toThrow(/refused|connect/i);
    await expect(curl(`http://${lab.instanceAddress}:8080/`)).rejects.toThrow(/refused|connect/i);
  }, 60_000);

  it('refuses a second container of the same name with Conflict', async () => {
    const error = await rejection(sut.createContainer(create({ image: reference, name: 'web' }), { allowPrivileged: false }));
    expect(error.code).toBe('Conflict');
    expect(error.message).toMatch(/already in use/);
  });

  it('refuses a privileged container before calling the daemon', async () => {
    const error = await rejection(sut.createContainer(create({ image: reference, params: { HostConfig: { Privileged: true } } }), { allowPrivileged: false }));
    expect(error.code).toBe('Forbidden');
    expect((await sut.listContainers(true)).map((container) => container.id)).toEqual([webId]);
  });

  it('reads stdout and stderr lines apart', async () => {
    const logs = await eventually(
      async () => {
        const read = await sut.containerLogs({ container_id: 'web', tail: 100, timestamps: false });
        expect(read.lines).toEqual(expect.arrayContaining([{ stream: 'stdout', text: 'started' }, { stream: 'stderr', text: 'warned' }]));
        return read;
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(logs.container_id).toBe(webId);
  });

  it('stops, starts and restarts, treating "already so" as done', async () => {
    const stopped = await sut.stopContainer('web', 1);
    expect(stopped).toMatchObject({ state: 'exited', status: expect.stringMatching(/^Exited \(\d+\) .* ago$/) });
    expect((await sut.stopContainer('web', 1)).state).toBe('exited');
    expect((await sut.listContainers(false)).map((container) => container.id)).not.toContain(webId);

    expect((await sut.startContainer('web')).state).toBe('running');
    expect((await sut.startContainer(webId)).status).toMatch(/^Up /);
    const restarted = await sut.restartContainer('web', 1);
    expect(restarted.state).toBe('running');
    expect(Date.parse(restarted.started_at!)).toBeGreaterThan(Date.parse(stopped.started_at!));
    await eventually(() => curl(`http://[${overlay}]:8080/`), { timeoutMs: 20_000, intervalMs: 200 });
  }, 60_000);

  it('refuses to delete a running container without force, deletes it with force', async () => {
    const refused = await rejection(sut.deleteContainer('web', false));
    expect(refused.code).toBe('Conflict');
    expect(refused.message).toMatch(/stop the container before removing|force/i);

    expect(await sut.deleteContainer('web', true)).toEqual({ id: webId, name: 'web' });
    const gone = await rejection(sut.getContainer('web'));
    expect(gone.code).toBe('NotFound');
    expect(gone.message).toMatch(/No such container: web/);
  }, 30_000);

  describe('on a dockerd with userland-proxy: false', () => {
    // dockerd 28 publishes an IPv6 host address for a container on the IPv4-only default bridge through its
    // userland proxy (a docker-proxy process listening on [overlay]:port). Without it the binding is dropped
    // silently: the container runs and reports no host port.
    const proxyless = new NetnsDockerdLab();
    const proxylessOverlay = overlay.replace(/::2$/, '::3');
    let sut2: DaemonOperations;

    beforeAll(async () => {
      await proxyless.create();
      await proxyless.inNs(['ip', '-6', 'addr', 'add', `${proxylessOverlay}/128`, 'dev', 'lo', 'nodad']);
      await startDockerdWith(proxyless, { 'userland-proxy': false });
      const archive = join(lab.dir, 'image.tar');
      await lab.docker(['save', '-o', archive, reference]);
      await proxyless.docker(['load', '-i', archive]);
      sut2 = new DaemonOperations(new Docker({ socketPath: proxyless.dockerHost.replace(/^unix:\/\//, '') }), { id: hostId, overlay: proxylessOverlay }, 15_000);
    }, 90_000);

    afterAll(() => proxyless.destroy(), 90_000);

    it('starts the container without the IPv6 host port, and createContainer refuses that', async () => {
      const created = await sut2.createContainer(create({ image: reference, name: 'quiet', ports: [{ host: 8080, container: 80 }] }), { allowPrivileged: false });
      const started = await sut2.startContainer('quiet');
      expect(started.state).toBe('running');
      expect(started.ports).toEqual([{ container: 80, protocol: 'tcp' }]);
      await sut2.deleteContainer(created.container.id, true);

      const error = await rejection(sut2.createContainer(create({ image: reference, name: 'loud', ports: [{ host: 8080, container: 80 }], detach: true }), { allowPrivileged: false }));
      expect(error.code).toBe('Internal');
      expect(error.details).toMatchObject({ host_id: hostId, missing: [`[${proxylessOverlay}]:8080->80/tcp`] });
      expect(await sut2.listContainers(true)).toEqual([]);
    }, 60_000);
  });

  it('deletes the image by tag', async () => {
    const [held] = await sut.listImages();
    const deleted = await sut.deleteImage(reference, false);
    expect(deleted.untagged).toContain(reference);
    expect(deleted.deleted).toContain(held!.id);
    expect(await sut.listImages()).toEqual([]);
    expect((await rejection(sut.deleteImage(reference, false))).code).toBe('NotFound');
  });

  it('answers Unavailable with the host id when the daemon is not there', async () => {
    const gone = new DaemonOperations(new Docker({ socketPath: join(lab.dir, 'nothing.sock') }), { id: hostId, overlay }, 2_000);
    const error = await rejection(gone.probe());
    expect(error.code).toBe('Unavailable');
    expect(error.details).toMatchObject({ host_id: hostId });
  });
});
