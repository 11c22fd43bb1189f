import { performance } from 'node:perf_hooks';
import type { DockerHostStatus } from '@powernode/contracts';
import type { DockerHosts, DockerHostState } from '@powernode/docker-host';
import type { Logger } from '@powernode/service-kit';
import type { DaemonPool } from '../connections/daemon-pool.js';
import { DaemonOperations } from '../daemon/daemon-operations.js';
import type { HostDirectory } from '../hosts/host-directory.js';
import type { HealthBook } from './health-book.js';

const ACTOR = 'service:docker-proxy';
/**
 * A handshake under way (a certificate renewal: wants_cert, then wants_config and a planned dockerd restart, then
 * ready, which the handshake verifies itself) is left to the handshake, for this long after its last step; an
 * agent that stalls mid-way is probed again after it.
 */
const HANDSHAKE_GRACE_MS = 120_000;

/** Whether a round skips this host: it is walking the runtime handshake right now. */
export function inHandshake(state: Pick<DockerHostState, 'phase' | 'updatedAt'>, now: number): boolean {
  if (state.phase !== 'wants_cert' && state.phase !== 'wants_config') return false;
  return state.updatedAt !== null && now - Date.parse(state.updatedAt) < HANDSHAKE_GRACE_MS;
}
/** Hosts probed at once in one round. */
const PARALLEL = 16;

export interface HealthSettings {
  intervalMs: number;
  timeoutMs: number;
  /** Failures in a row that make a host `error`. */
  errorAfter: number;
}

export interface ProbeOutcome {
  hostId: string;
  reachable: boolean;
  status: DockerHostStatus;
  version?: string;
  containers?: number;
  images?: number;
  latencyMs: number;
  error?: string;
}

/**
 * Probes every provisioned host's daemon (TLS /_ping, then /info) each interval, counts failures in a row, and
 * records only transitions: the first failure → host.unreachable (disconnected), the errorAfter-th → host.unreachable
 * (error), the next good probe → host.connected, from whichever status (error is not sticky). A host
 * that is no longer probed (stopped, decommissioned) loses its pooled connection; one walking the handshake
 * (a certificate renewal restarts dockerd on purpose) is skipped for a while. With several replicas only the lease
 * holder runs rounds (docker_test_host probes on whichever replica answers).
 */
export class HealthMonitor {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private stopped = false;
  private leading = false;

  constructor(
    private readonly directory: HostDirectory,
    private readonly hosts: DockerHosts,
    private readonly pool: DaemonPool,
    private readonly book: HealthBook,
    private readonly settings: HealthSettings,
    private readonly logger: Logger,
    /** Whether this replica holds the health lease: only the holder probes (default: always, one replica). */
    private readonly isLeader: () => boolean = () => true,
  ) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.round = this.runRound()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'health round failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.settings.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /** One probe now (docker_test_host and the rounds), recording the transition if there is one. */
  async probe(state: DockerHostState): Promise<ProbeOutcome> {
    const started = performance.now();
    const hostId = state.hostId;
    const latency = () => Math.round((performance.now() - started) * 10) / 10;
    let docker;
    try {
      docker = await this.pool.docker(hostId, state.overlay ?? '');
    } catch (error) {
      // Without its own certificate the platform cannot tell anything about the host: no verdict on it.
      return { hostId, reachable: false, status: state.status, latencyMs: latency(), error: (error as Error).message };
    }
    try {
      const facts = await new DaemonOperations(docker, { id: hostId, overlay: state.overlay ?? '' }, this.settings.timeoutMs).probe();
      const latencyMs = latency();
      this.book.succeeded(hostId, new Date());
      let status = state.status;
      if (state.status !== 'connected' || state.version !== facts.version) {
        const result = await this.hosts.execute(state.instanceId, { type: 'RecordReachable', data: { version: facts.version } }, { actor: ACTOR });
        status = result.state.status;
        if (result.events.length) this.logger.info({ host_id: hostId, previous: state.status }, 'docker host connected');
      }
      return { hostId, reachable: true, status, version: facts.version, containers: facts.containers, images: facts.images, latencyMs };
    } catch (error) {
      const latencyMs = latency();
      const reason = (error as Error).message;
      const record = this.book.failed(hostId, new Date(), reason);
      // A dead keep-alive socket must not fail the next probe too; an operator's pull under way keeps its own.
      this.pool.renew(hostId);
      // A failure never takes `error` back to `disconnected` (a new lease holder counts from zero again).
      const expected: DockerHostStatus = record.failures >= this.settings.errorAfter || state.status === 'error' ? 'error' : 'disconnected';
      let status = state.status;
      if (state.status !== expected) {
        const result = await this.hosts.execute(
          state.instanceId,
          { type: 'RecordUnreachable', data: { failures: record.failures, reason, errorAfter: this.settings.errorAfter } },
          { actor: ACTOR },
        );
        status = result.state.status;
        if (result.events.length) this.logger.warn({ host_id: hostId, failures: record.failures, status, reason }, 'docker host unreachable');
      }
      return { hostId, reachable: false, status, latencyMs, error: reason };
    }
  }

  private async runRound(): Promise<void> {
    if (!this.isLeader()) {
      this.leading = false;
      return;
    }
    const probed = await this.directory.probed();
    if (!this.leading) {
      // A new hold (the previous holder stopped or hung): failures in a row are counted afresh from here, since the
      // previous holder's counts lived in its memory (acceptable: a host already `error` stays so, see probe()).
      for (const host of probed) this.book.forget(host.hostId);
      this.leading = true;
    }
    this.logger.debug({ hosts: probed.length }, 'health probe round');
    const ids = new Set(probed.map((h) => h.hostId));
    for (const hostId of this.pool.hosts()) if (!ids.has(hostId)) this.pool.drop(hostId);
    const now = Date.now();
    const queue = probed.filter((host) => !inHandshake(host, now));
    const worker = async () => {
      for (let host = queue.shift(); host && !this.stopped; host = queue.shift()) {
        await this.probe(host).catch((error: unknown) => this.logger.warn({ err: error, host_id: host.hostId }, 'could not record a probe'));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  }
}
