import { PlatformError } from '@powernode/contracts';

/** One JSON message of docker's pull stream (`POST /images/create`). */
export interface PullMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** What the audit trail gets (docker.events imagePullProgress without host and reference). */
export interface PullProgress {
  status: string;
  layers_done: number;
  layers_total: number;
  bytes_current?: number;
  bytes_total?: number;
}

interface Layer {
  done: boolean;
  current: number;
  total?: number;
}

export interface PullState {
  status: string;
  layers: ReadonlyMap<string, Layer>;
}

export const initialPullState: PullState = { status: 'Waiting', layers: new Map() };

// Layer lines carry the layer's short id; other lines (`Pulling from <repo>` with the tag as id, `Digest:`, `Status:`) do not.
const LAYER_STATUS = /^(Pulling fs layer|Waiting|Downloading|Verifying Checksum|Download complete|Extracting|Pull complete|Already exists|Retrying)/;
const LAYER_DONE = /^(Pull complete|Already exists)/;

/** Folds one stream message into the state (pure). */
export function foldPull(state: PullState, message: PullMessage): PullState {
  const status = message.status ?? state.status;
  if (message.id === undefined || !LAYER_STATUS.test(status)) return { status, layers: state.layers };
  const layers = new Map(state.layers);
  const layer: Layer = { ...(layers.get(message.id) ?? { done: false, current: 0 }) };
  if (LAYER_DONE.test(status)) layer.done = true;
  if (status.startsWith('Downloading') && message.progressDetail?.total) {
    layer.current = message.progressDetail.current ?? layer.current;
    layer.total = message.progressDetail.total;
  }
  if (status.startsWith('Download complete') && layer.total !== undefined) layer.current = layer.total;
  layers.set(message.id, layer);
  return { status, layers };
}

/** The state as the audit trail's progress record; bytes only once some layer's download size is known. */
export function pullProgressOf(state: PullState): PullProgress {
  const layers = [...state.layers.values()];
  const sized = layers.filter((layer) => layer.total !== undefined);
  return {
    status: state.status.slice(0, 256),
    layers_done: layers.filter((layer) => layer.done).length,
    layers_total: layers.length,
    ...(sized.length > 0
      ? { bytes_current: sized.reduce((sum, layer) => sum + layer.current, 0), bytes_total: sized.reduce((sum, layer) => sum + (layer.total ?? 0), 0) }
      : {}),
  };
}

const NOT_FOUND = /manifest unknown|not found|repository does not exist|pull access denied|no such image/i;

/** The error a stream message reports, if any: NotFound for a missing image, Unavailable otherwise (registry trouble). */
export function pullMessageError(message: PullMessage, reference: string, hostId: string): PlatformError | undefined {
  const text = message.errorDetail?.message ?? message.error;
  if (!text) return undefined;
  const details = { host_id: hostId, reference };
  return NOT_FOUND.test(text) ? new PlatformError('NotFound', text, details) : new PlatformError('Unavailable', `pull of ${reference} failed: ${text}`, details);
}

/** Decides when progress is worth reporting: the first time, then at most every `intervalMs`; the caller reports the end itself. */
export class ProgressThrottle {
  private last: number | undefined;

  constructor(private readonly intervalMs: number) {}

  /** True when a report at `now` (ms) should go out; records it as sent. */
  offer(now: number): boolean {
    if (this.last !== undefined && now - this.last < this.intervalMs) return false;
    this.last = now;
    return true;
  }
}
