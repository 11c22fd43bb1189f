import type Docker from 'dockerode';
import { PlatformError } from '@powernode/contracts';
import { buildCreateBody, type CreateContainerInput, type PublishedPort } from './container-spec.js';
import { detailOfInspected, summaryOfListed, type ContainerDetail, type ContainerSummary, type InspectedContainer } from './container-view.js';
import { DeadlineExceeded, withDeadline } from './daemon-deadline.js';
import { daemonError } from './daemon-errors.js';
import { summaryOfInspectedImage, summaryOfListedImage, type ImageSummary } from './image-view.js';
import { readJsonLines } from './json-lines.js';
import { logLines, type LogLine } from './log-lines.js';
import { foldPull, initialPullState, ProgressThrottle, pullMessageError, pullProgressOf, type PullMessage, type PullProgress } from './pull-progress.js';
import { canonicalIp, unpublishedPorts } from './unpublished-ports.js';

export interface DaemonHost {
  id: string;
  /** The host's overlay /128: the only address its containers publish ports on. */
  overlay: string;
}

export interface DaemonOperationsOptions {
  /** The whole of one pull (10 minutes by default). */
  pullTimeoutMs?: number;
  /** A pull whose stream says nothing for this long failed (3 × timeoutMs by default). */
  pullStallMs?: number;
  /** How often pull progress is reported at most (1 s by default). */
  progressIntervalMs?: number;
  now?: () => number;
}

export interface CreatedContainer {
  container: ContainerDetail;
  published: PublishedPort[];
  privilegedParams: boolean;
  image: string;
}

export interface LogsQuery {
  container_id: string;
  tail: number;
  since?: string | number;
  timestamps: boolean;
}

/** An answer travels as one NATS message (1 MiB at most by default): logs keep their newest lines within this. */
export const MAX_LOG_BYTES = 512 * 1024;

/** The newest lines whose text fits in `maxBytes`, oldest first. */
export function newestWithin(lines: LogLine[], maxBytes: number): { lines: LogLine[]; truncated: boolean } {
  let bytes = 0;
  let first = lines.length;
  while (first > 0 && bytes + Buffer.byteLength(lines[first - 1]!.text) + 32 <= maxBytes) {
    first -= 1;
    bytes += Buffer.byteLength(lines[first]!.text) + 32;
  }
  return { lines: first === 0 ? lines : lines.slice(first), truncated: first > 0 };
}

const NOT_MODIFIED = 304;
const isNotModified = (error: unknown) => (error as { statusCode?: number } | null)?.statusCode === NOT_MODIFIED;

/** The docker_* operations on one managed dockerd, answering in the contracts' shapes; every call has a deadline. */
export class DaemonOperations {
  private readonly host: DaemonHost;
  private readonly pullTimeoutMs: number;
  private readonly pullStallMs: number;
  private readonly progressIntervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly docker: Docker,
    host: DaemonHost,
    private readonly timeoutMs: number,
    options: DaemonOperationsOptions = {},
  ) {
    // Ports bind, and are checked against, the overlay spelt one way.
    this.host = { id: host.id, overlay: canonicalIp(host.overlay) };
    this.pullTimeoutMs = options.pullTimeoutMs ?? 600_000;
    this.pullStallMs = options.pullStallMs ?? 3 * timeoutMs;
    this.progressIntervalMs = options.progressIntervalMs ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /** `/_ping` must answer OK, then `/info`. */
  async probe(): Promise<{ version: string; containers: number; images: number }> {
    return this.call('ping', async (abortSignal) => {
      // @types/dockerode omits the options argument dockerode takes here.
      const pong = await (this.docker.ping as (opts: object) => Promise<unknown>).call(this.docker, { abortSignal });
      if (String(pong).trim() !== 'OK') throw new PlatformError('Unavailable', `/_ping answered ${JSON.stringify(String(pong).slice(0, 64))}`, { host_id: this.host.id });
      const info = (await (this.docker.info as (opts: object) => Promise<unknown>).call(this.docker, { abortSignal })) as { ServerVersion?: string; Containers?: number; Images?: number };
      if (!info.ServerVersion) throw new PlatformError('Unavailable', '/info has no ServerVersion', { host_id: this.host.id });
      return { version: info.ServerVersion, containers: info.Containers ?? 0, images: info.Images ?? 0 };
    });
  }

  async listContainers(all: boolean): Promise<ContainerSummary[]> {
    const items = await this.call('list containers', (abortSignal) => this.docker.listContainers({ all, abortSignal }));
    return items.map(summaryOfListed);
  }

  async getContainer(ref: string): Promise<ContainerDetail> {
    return detailOfInspected(await this.inspect(ref), this.now());
  }

  /** Validates (buildCreateBody) before any daemon call; with `detach` starts it, removing it again if it cannot start. */
  async createContainer(input: CreateContainerInput, { allowPrivileged }: { allowPrivileged: boolean }): Promise<CreatedContainer> {
    const spec = buildCreateBody(input, this.host.overlay, allowPrivileged);
    const created = await this.call('create container', (abortSignal) =>
      // _query/_body: dockerode would otherwise also send the whole body as query parameters.
      this.docker.createContainer({ _query: spec.name !== undefined ? { name: spec.name } : {}, _body: spec.body, abortSignal } as unknown as Docker.ContainerCreateOptions),
    );
    if (input.detach) {
      try {
        await this.call('start container', (abortSignal) => created.start({ abortSignal }));
        const missing = unpublishedPorts(await this.inspect(created.id));
        if (missing.length > 0) {
          throw new PlatformError('Internal', `dockerd on ${this.host.id} started the container without publishing ${missing.join(', ')} (is userland-proxy off?)`, {
            host_id: this.host.id,
            missing,
          });
        }
      } catch (error) {
        await this.call('remove unstartable container', (abortSignal) => created.remove({ force: true, abortSignal })).catch(() => undefined);
        throw error;
      }
    }
    return { container: await this.getContainer(created.id), published: spec.published, privilegedParams: spec.privilegedParams, image: spec.image };
  }

  async startContainer(ref: string): Promise<ContainerDetail> {
    await this.call('start container', (abortSignal) => this.docker.getContainer(ref).start({ abortSignal }), { okIfNotModified: true });
    return this.getContainer(ref);
  }

  /** SIGTERM, then SIGKILL after `timeoutS` (docker's default 10 s); the deadline grows by that grace. */
  async stopContainer(ref: string, timeoutS?: number): Promise<ContainerDetail> {
    const grace = timeoutS ?? 10;
    await this.call('stop container', (abortSignal) => this.docker.getContainer(ref).stop({ t: grace, abortSignal }), { okIfNotModified: true, extraMs: grace * 1000 });
    return this.getContainer(ref);
  }

  async restartContainer(ref: string, timeoutS?: number): Promise<ContainerDetail> {
    const grace = timeoutS ?? 10;
    await this.call('restart container', (abortSignal) => this.docker.getContainer(ref).restart({ t: grace, abortSignal }), { okIfNotModified: true, extraMs: grace * 1000 });
    return this.getContainer(ref);
  }

  async containerLogs(query: LogsQuery): Promise<{ container_id: string; lines: LogLine[]; truncated: boolean }> {
    const info = (await this.inspect(query.container_id)) as InspectedContainer & { Config: { Tty?: boolean } };
    const since = query.since === undefined ? undefined : typeof query.since === 'number' ? query.since : Math.floor(Date.parse(query.since) / 1000);
    const output = await this.call('container logs', (abortSignal) =>
      this.docker.getContainer(info.Id).logs({ stdout: true, stderr: true, follow: false, tail: query.tail, timestamps: query.timestamps, ...(since !== undefined ? { since } : {}), abortSignal }),
    );
    const buffer = Buffer.isBuffer(output) ? output : Buffer.from(String(output));
    return { container_id: info.Id, ...newestWithin(logLines(buffer, info.Config.Tty === true), MAX_LOG_BYTES) };
  }

  async deleteContainer(ref: string, force: boolean): Promise<{ id: string; name: string }> {
    const info = await this.inspect(ref);
    await this.call('delete container', (abortSignal) => this.docker.getContainer(info.Id).remove({ force, abortSignal }));
    return { id: info.Id, name: info.Name.replace(/^\//, '') };
  }

  async listImages(): Promise<ImageSummary[]> {
    const images = await this.call('list images', (abortSignal) => this.docker.listImages({ abortSignal }));
    return images.map(summaryOfListedImage);
  }

  /** Pulls `reference` (no tag: latest), reporting throttled progress, then answers what the daemon now holds. */
  async pullImage(reference: string, onProgress: (progress: PullProgress) => void): Promise<ImageSummary> {
    const pull = new AbortController();
    const overall = setTimeout(() => pull.abort(new DeadlineExceeded(`pull ${reference}`, this.pullTimeoutMs)), this.pullTimeoutMs);
    try {
      const stream = await this.call('pull image', (abortSignal) => this.docker.pull(reference, { abortSignal: AbortSignal.any([abortSignal, pull.signal]) }));
      await this.follow(stream, reference, pull, onProgress);
    } catch (error) {
      throw daemonError(pull.signal.aborted ? pull.signal.reason : error, this.host.id, `pull ${reference}`);
    } finally {
      clearTimeout(overall);
    }
    // dockerode's image inspect takes no abort signal: the deadline's race bounds it.
    const image = await this.call('inspect image', () => this.docker.getImage(reference).inspect());
    return summaryOfInspectedImage(image);
  }

  async deleteImage(ref: string, force: boolean): Promise<{ deleted: string[]; untagged: string[] }> {
    const items = (await this.call('delete image', (abortSignal) => this.docker.getImage(ref).remove({ force, abortSignal } as object))) as unknown as Array<{ Deleted?: string; Untagged?: string }>;
    return {
      deleted: items.flatMap((item) => (item.Deleted ? [item.Deleted] : [])),
      untagged: items.flatMap((item) => (item.Untagged ? [item.Untagged] : [])),
    };
  }

  private inspect(ref: string): Promise<InspectedContainer> {
    return this.call('inspect container', (abortSignal) => this.docker.getContainer(ref).inspect({ abortSignal }) as Promise<unknown> as Promise<InspectedContainer>);
  }

  /** Reads the pull stream to its end; a message with an error, a stalled stream or the overall deadline fail it. */
  private follow(stream: NodeJS.ReadableStream, reference: string, pull: AbortController, onProgress: (progress: PullProgress) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      let state = initialPullState;
      let failure: unknown;
      const throttle = new ProgressThrottle(this.progressIntervalMs);
      let stall: NodeJS.Timeout | undefined;
      const fail = (error: unknown) => {
        failure ??= error;
        pull.abort(error);
      };
      const arm = () => {
        clearTimeout(stall);
        stall = setTimeout(() => fail(new PlatformError('Unavailable', `pull of ${reference} stalled: no progress for ${this.pullStallMs} ms`, { host_id: this.host.id, reference })), this.pullStallMs);
      };
      pull.signal.addEventListener('abort', () => (stream as unknown as { destroy?: (error?: Error) => void }).destroy?.(), { once: true });
      arm();
      readJsonLines(
        stream,
        (message) => {
          arm();
          const error = pullMessageError(message as PullMessage, reference, this.host.id);
          if (error) return void (failure ??= error);
          state = foldPull(state, message as PullMessage);
          if (throttle.offer(this.now())) onProgress(pullProgressOf(state));
        },
        (error) => {
          clearTimeout(stall);
          const cause = failure ?? (pull.signal.aborted ? pull.signal.reason : error);
          if (cause) return reject(cause);
          onProgress(pullProgressOf(state));
          resolve();
        },
      );
    });
  }

  /** One daemon call under the deadline, its failure mapped once (304 = already so, when the caller says that is fine). */
  private async call<T>(what: string, run: (signal: AbortSignal) => Promise<T>, options: { okIfNotModified?: boolean; extraMs?: number } = {}): Promise<T> {
    try {
      return await withDeadline(what, this.timeoutMs + (options.extraMs ?? 0), run);
    } catch (error) {
      if (options.okIfNotModified && isNotModified(error)) return undefined as T;
      throw daemonError(error, this.host.id, what);
    }
  }
}
