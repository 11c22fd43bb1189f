import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caActions, registryActions } from '@powernode/contracts';
import { MANIFEST_V2, registryRequest, seedImage, type ImageArtifact } from '@powernode/registry';
import { eventually, testPlatformEnv } from '@powernode/testing';
// A real CA service signs the registry's certificate (as bench/support/local-platform.ts, the test reaches into apps/ca's test support).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startTestCa, type TestCa } from '../../../ca/src/testing/test-ca.js';
import { startTestDockerProxy, type TestDockerProxy } from '../testing/test-docker-proxy.js';
import { startPlatformRegistry } from './platform-registry.js';

/** Holds a port so the registry cannot bind it at first (as the gateway link may not exist yet under npm start). */
async function occupy(host: string): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('startPlatformRegistry', () => {
  const platform = testPlatformEnv();
  let ca: TestCa;
  let sut: TestDockerProxy;
  let dir: string;
  let rootPem: string;
  let image: ImageArtifact;
  let address: string;
  let blocker: Server | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'powernode-registry-'));
    ca = await startTestCa(platform);
    const chain = (await ca.call(caActions.caGetChain, {})).chain_pem as string[];
    rootPem = chain[chain.length - 1]!;
    image = await seedImage();
    const held = await occupy('127.0.0.1');
    blocker = held.server;
    address = `127.0.0.1:${held.port}`;
    sut = await startTestDockerProxy(platform, { PLATFORM_REGISTRY_ADDR: address, PLATFORM_REGISTRY_DIR: join(dir, 'registry') }, { startRegistry: startPlatformRegistry });
  }, 60_000);

  afterAll(async () => {
    blocker?.close();
    await sut?.destroy();
    await ca?.destroy();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('does not block the service while its address is taken, says why, and retries until it can bind', async () => {
    expect(sut.registry).toBeDefined();
    const waiting = await eventually(
      () => {
        const status = sut.registry!.status();
        expect(status.error).toMatch(/address already in use|bind/);
        return status;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(waiting).toMatchObject({ url: `https://${address}`, address, ready: false, images: [] });

    await new Promise((resolve) => blocker!.close(resolve));
    blocker = undefined;
    const ready = await eventually(
      () => {
        const status = sut.registry!.status();
        expect(status.ready).toBe(true);
        return status;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(ready).toEqual({
      url: `https://${address}`,
      address,
      ready: true,
      images: [`${address}/powernode/busybox-httpd:${image.tags[0]}`, `${address}/powernode/busybox-httpd:latest`],
    });
  }, 90_000);

  it('serves the seed image over TLS with a certificate for its IP that chains to the platform root', async () => {
    for (const tag of image.tags) {
      // Only the root is trusted here: the registry must serve its intermediate.
      const response = await registryRequest(new URL(`/v2/${image.repository}/manifests/${tag}`, `https://${address}`), { caPem: rootPem }, {
        method: 'GET',
        headers: { accept: MANIFEST_V2 },
      });
      expect(response.status).toBe(200);
      expect(response.headers['docker-content-digest']).toBe(image.manifestDigest);
      expect(`sha256:${createHash('sha256').update(response.body).digest('hex')}`).toBe(image.manifestDigest);
    }
    await expect(registryRequest(new URL('/v2/', `https://${address}`), {}, { method: 'GET' })).rejects.toThrow(/certificate/);
  });

  it('serves read-only: nobody who reaches it can push over the seed image or delete it', async () => {
    const upload = await registryRequest(new URL(`/v2/${image.repository}/blobs/uploads/`, `https://${address}`), { caPem: rootPem }, { method: 'POST' });
    expect(upload.status).toBe(405);
    const deleted = await registryRequest(new URL(`/v2/${image.repository}/manifests/${image.manifestDigest}`, `https://${address}`), { caPem: rootPem }, { method: 'DELETE' });
    expect(deleted.status).toBe(405);
    const still = await registryRequest(new URL(`/v2/${image.repository}/manifests/${image.tags[0]}`, `https://${address}`), { caPem: rootPem }, { method: 'GET', headers: { accept: MANIFEST_V2 } });
    expect(still.status).toBe(200);
  });

  it('answers docker_registry_status over NATS with the same status', async () => {
    const status = await sut.call(registryActions.dockerRegistryStatus, {});
    expect(status).toEqual(sut.registry!.status());
    expect(status).toMatchObject({ ready: true, address });
  });

  it('answers docker_registry_status from a standby replica with the status the serving replica published', async () => {
    const standby = await startTestDockerProxy(platform, { PLATFORM_REGISTRY_ADDR: address, PLATFORM_REGISTRY_DIR: join(dir, 'registry') }, { startRegistry: startPlatformRegistry });
    try {
      expect([sut.lease.isHeld(), standby.lease.isHeld()]).toEqual([true, false]);
      expect(standby.registry!.status()).toMatchObject({ ready: false, error: expect.stringMatching(/^standby/) });
      // The queue group hands each call to either replica: ten calls all but surely reach the standby too.
      for (let i = 0; i < 10; i++) expect(await sut.call(registryActions.dockerRegistryStatus, {})).toEqual(sut.registry!.status());
    } finally {
      await standby.destroy({ keepData: true });
    }
  }, 60_000);
});
