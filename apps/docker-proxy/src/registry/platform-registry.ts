import { resolve } from 'node:path';
import { PlatformError, registryActions } from '@powernode/contracts';
import { pushImage, seedImage, startRegistry, hostPort, type ImageArtifact, type RunningRegistry } from '@powernode/registry';
import { handle, runWhileLeader, type ActionHandler, type Lease, type LeaderJob, type Logger, type RpcClient } from '@powernode/service-kit';
import type { RegistryHandle } from '../docker-proxy-app.js';
import type { DockerProxyRuntime } from '../runtime.js';
import { backoffMs, parseRegistryAddress } from './registry-address.js';
import { obtainRegistryCertificate, renewAt, type RegistryCertificate } from './registry-certificate.js';
import { SharedRegistryStatus } from './shared-registry-status.js';

export type RegistryStatus = ReturnType<RegistryHandle['status']>;

const STANDBY = 'standby: another docker-proxy replica holds the lease and serves the platform registry';

// setTimeout's limit is ~24.8 days; longer waits are taken in steps.
const MAX_TIMER_MS = 24 * 3_600_000;

/**
 * The platform image registry, when PLATFORM_REGISTRY_ADDR is set: started in the background so the service does not
 * wait for it. It gets a platform-server certificate for the address's IP from the CA, serves on exactly that address
 * with TLS, and holds the seed image (busybox httpd). Until that works (the address may not exist yet: the catalog's
 * local provider creates the gateway link when it starts), it retries with backoff and says why. Only the holder of
 * `lease` serves it (replicas on one machine cannot all bind the address); a standby starts it when it takes over.
 */
export async function startPlatformRegistry(runtime: DockerProxyRuntime, lease: Lease): Promise<RegistryHandle | undefined> {
  const address = runtime.config.PLATFORM_REGISTRY_ADDR;
  if (!address) return undefined;
  const shared = new SharedRegistryStatus(runtime.db, runtime.config.DATABASE_SCHEMA, lease);
  const registry = new PlatformRegistry(runtime.rpc, runtime.logger, address, resolve(runtime.config.PLATFORM_REGISTRY_DIR), shared);
  registry.start(lease);
  return registry;
}

/** The docker_registry_status handler over a status source. */
export function registryStatusHandlers(status: () => RegistryStatus | Promise<RegistryStatus>): [string, ActionHandler][] {
  return [handle(registryActions.dockerRegistryStatus, async () => status())];
}

/** docker_registry_status without a registry (PLATFORM_REGISTRY_ADDR unset): NotFound, which callers read as "none". */
export function noRegistryHandlers(): [string, ActionHandler][] {
  return [
    handle(registryActions.dockerRegistryStatus, async () => {
      throw new PlatformError('NotFound', 'no platform registry: PLATFORM_REGISTRY_ADDR is unset');
    }),
  ];
}

class PlatformRegistry implements RegistryHandle {
  private readonly host: string;
  private readonly port: number;
  private readonly address: string;
  private running: RunningRegistry | undefined;
  private image: ImageArtifact | undefined;
  private images: string[] = [];
  private ready = false;
  private error: string | undefined;
  /** Aborts when this replica loses the lease or stops; aborted while it is a standby. */
  private signal: AbortSignal = AbortSignal.abort();
  private leader: LeaderJob | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly rpc: RpcClient,
    private readonly logger: Logger,
    address: string,
    private readonly dataDir: string,
    private readonly shared: SharedRegistryStatus,
  ) {
    ({ host: this.host, port: this.port } = parseRegistryAddress(address));
    this.address = hostPort(this.host, this.port);
  }

  start(lease: Lease): void {
    this.leader = runWhileLeader(lease, (signal) => this.serveWhileHeld(signal), this.logger);
  }

  status(): RegistryStatus {
    const error = this.stopped ? STANDBY : this.error;
    return {
      url: `https://${this.address}`,
      address: this.address,
      ready: this.ready,
      images: this.ready ? [...this.images] : [],
      ...(error !== undefined ? { error } : {}),
    };
  }

  /** The holder answers from memory; a standby with what the holder published (its own idle status if none did). */
  handlers(): [string, ActionHandler][] {
    return registryStatusHandlers(async () => (this.stopped ? ((await this.shared.ofHolder()) ?? this.status()) : this.status()));
  }

  async stop(): Promise<void> {
    await this.leader?.stop();
    await this.shared.flushed();
  }

  /** Publishes the holder's status for the standbys (after every change of ready, images or error). */
  private changed(): void {
    this.shared.publish(
      () => this.status(),
      (error) => this.logger.warn({ err: error }, 'could not publish the platform registry status'),
    );
  }

  private get stopped(): boolean {
    return this.signal.aborted;
  }

  /** The lease holder's part: serve (and renew) until the lease is lost or the service stops, then let go of the address. */
  private async serveWhileHeld(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    this.error = undefined;
    this.changed();
    signal.addEventListener('abort', () => this.wake?.(), { once: true });
    this.logger.info({ address: this.address }, 'platform registry: this replica holds the lease and serves it');
    try {
      await this.run().catch((error: unknown) => this.logger.error({ err: error }, 'platform registry loop ended unexpectedly'));
    } finally {
      this.ready = false;
      await this.running?.stop();
      this.running = undefined;
      this.changed();
    }
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopped; ) {
      try {
        const certificate = await this.serve();
        failures = 0;
        await this.sleepUntil(renewAt(certificate));
        if (!this.stopped) this.logger.info({ address: this.address }, 'renewing the platform registry certificate (2/3 of its life)');
      } catch (error) {
        if (this.stopped) break;
        const delay = backoffMs(failures++);
        this.error = (error as Error).message;
        this.changed();
        this.logger.warn({ address: this.address, retryInMs: delay, reason: this.error }, 'platform registry not up yet; retrying');
        await this.sleepUntil(new Date(Date.now() + delay));
      }
    }
  }

  /**
   * One (re)start: new certificate; the registry restarted with it writable just long enough to push the seed
   * image (storage persists), then served read-only: instances can pull, none can push over what others pull.
   */
  private async serve(): Promise<RegistryCertificate> {
    // While the CA is asked, a running registry keeps serving with its current, still valid, certificate.
    const certificate = await obtainRegistryCertificate(this.rpc, this.host);
    this.ready = false;
    this.changed();
    await this.running?.stop();
    this.running = undefined;
    if (this.stopped) return certificate;
    const options = { dataDir: this.dataDir, host: this.host, port: this.port, certPem: certificate.servedPem, keyPem: certificate.keyPem };
    const seeding = await startRegistry(options);
    this.running = seeding;
    try {
      if (this.stopped) return certificate;
      this.image ??= await seedImage();
      this.images = (await pushImage(seeding.url, { caPem: certificate.rootPem }, this.image)).references;
    } finally {
      await seeding.stop();
      this.running = undefined;
    }
    if (this.stopped) return certificate;
    const running = await startRegistry({ ...options, readOnly: true });
    this.running = running;
    this.ready = true;
    this.error = undefined;
    this.changed();
    this.logger.info({ url: running.url, images: this.images, notAfter: certificate.notAfter.toISOString() }, 'platform registry ready');
    return certificate;
  }

  private async sleepUntil(when: Date): Promise<void> {
    while (!this.stopped && Date.now() < when.getTime()) {
      await new Promise<void>((done) => {
        const timer = setTimeout(done, Math.min(when.getTime() - Date.now(), MAX_TIMER_MS));
        this.wake = () => {
          clearTimeout(timer);
          done();
        };
      });
      this.wake = undefined;
    }
  }
}
