import { createHash, randomInt } from 'node:crypto';
import { join } from 'node:path';
import type { CaHierarchy } from '@powernode/pki';
import { eventually } from '@powernode/testing';
import { MANIFEST_V2, pushImage, registryRequest, seedImage, startRegistry, type ImageArtifact, type RunningRegistry } from './index.js';
import { NetnsDockerdLab, requireRoot } from './testing/netns-dockerd-lab.js';
import { testRegistryCa, testRegistryCertificate } from './testing/registry-pki.js';

describe('platform image registry', () => {
  const lab = new NetnsDockerdLab();
  let ca: CaHierarchy;
  let registry: RunningRegistry | undefined;
  let image: ImageArtifact;

  beforeAll(async () => {
    requireRoot();
    await NetnsDockerdLab.sweepLeftovers();
    ca = await testRegistryCa('Registry Test');
    await lab.create();
    registry = await startRegistry({ dataDir: join(lab.dir, 'registry'), host: lab.registryHost, port: randomInt(20_000, 60_000), ...(await testRegistryCertificate(ca, lab.registryHost)) });
    image = await seedImage();
  }, 60_000);

  afterAll(async () => {
    await registry?.stop();
    await lab.destroy();
  }, 90_000);

  it('seeds a busybox httpd image tagged with the Debian busybox-static version', async () => {
    const config = JSON.parse(image.config.bytes.toString());
    expect(image.repository).toBe('powernode/busybox-httpd');
    expect(image.tags).toEqual([expect.stringMatching(/^1\.\d+\.\d+-[A-Za-z0-9_.-]+$/), 'latest']);
    expect(config.config.Cmd).toEqual(['/bin/httpd', '-f', '-p', '80', '-h', '/www']);
    expect(config.config.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(config.os).toBe('linux');
    expect(config.rootfs.diff_ids).toHaveLength(1);
    expect((await seedImage()).manifestDigest).toBe(image.manifestDigest); // reproducible
  });

  it('pushes through the v2 API and serves the manifest back under the same digest, trusted via the CA', async () => {
    const sut = await pushImage(registry!.url, { caPem: ca.root.certificatePem }, image);
    expect(sut.references).toEqual(image.tags.map((tag) => `${registry!.address}/powernode/busybox-httpd:${tag}`));

    for (const tag of image.tags) {
      const response = await registryRequest(new URL(`/v2/${image.repository}/manifests/${tag}`, registry!.url), { caPem: ca.root.certificatePem }, {
        method: 'GET',
        headers: { accept: MANIFEST_V2 },
      });
      expect(response.status).toBe(200);
      expect(response.headers['docker-content-digest']).toBe(image.manifestDigest);
      expect(`sha256:${createHash('sha256').update(response.body).digest('hex')}`).toBe(image.manifestDigest);
    }
    const again = await pushImage(registry!.url, { caPem: ca.root.certificatePem }, image);
    expect(again.skippedBlobs).toEqual([image.config.digest, ...image.layers.map((layer) => layer.digest)]);
  });

  it('refuses a client that does not trust the platform CA', async () => {
    await expect(registryRequest(new URL('/v2/', registry!.url), {}, { method: 'GET' })).rejects.toThrow(/certificate/);
  });

  it('is pulled by a real dockerd in an instance namespace, and the container serves its page', async () => {
    await pushImage(registry!.url, { caPem: ca.root.certificatePem }, image); // idempotent: this test stands alone
    await lab.trustRegistry(registry!.address, ca.root.certificatePem);
    await lab.startDockerd();
    const reference = `${registry!.address}/powernode/busybox-httpd:latest`;
    await lab.docker(['pull', reference]);
    const repoDigests = await lab.docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', reference]);
    expect(JSON.parse(repoDigests)).toContain(`${registry!.address}/powernode/busybox-httpd@${image.manifestDigest}`);

    await lab.docker(['run', '-d', '--name', 'web', '-p', '127.0.0.1:18080:80', reference]);
    // curl, not busybox wget: Debian's static busybox wget segfaults on this machine.
    const get = () => lab.inNs(['curl', '-sS', '--max-time', '2', 'http://127.0.0.1:18080/'], 5_000);
    const page = await eventually(get, { timeoutMs: 20_000, intervalMs: 200 }).catch(async (error: unknown) => {
      const state = await lab.docker(['ps', '-a', '--format', '{{.Names}} {{.Status}} {{.Ports}}']).catch(String);
      throw new Error(`${String(error)}\ncontainers: ${state}\ndockerd: ${await lab.dockerdLog()}`);
    });
    expect(page).toContain(`powernode/busybox-httpd:${image.tags[0]}`);
  }, 180_000);
});
