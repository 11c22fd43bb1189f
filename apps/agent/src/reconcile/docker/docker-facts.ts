/** Where the Docker runtime is on this instance, as the heartbeat reports it under `runtimes.docker`. */
export type DockerFactsPhase = 'absent' | 'installing' | 'waiting_overlay' | 'wants_cert' | 'wants_config' | 'starting' | 'ready' | 'failed' | 'stopping';

export interface DockerFacts {
  phase: DockerFactsPhase;
  host_id?: string;
  api_endpoint?: string;
  overlay?: string;
  version?: string;
  /** What went wrong last; with `retrying` the agent is at it again by itself. */
  error?: string;
  error_code?: string;
  retrying?: boolean;
  /** The phase that failed, while `phase` is `failed`. */
  failed_phase?: string;
  progress?: string;
  cert_serial?: string;
  cert_not_after?: string;
  config_hash?: string;
  daemon?: Record<string, unknown>;
  /** dockerd's last log lines when it failed to start. */
  log_tail?: string[];
}

/** Fields that describe the current step only: a new phase starts without them. */
const TRANSIENT: (keyof DockerFacts)[] = ['error', 'error_code', 'retrying', 'failed_phase', 'progress', 'log_tail'];

/** The facts the reconciler returns at once on every heartbeat while the worker moves them along. */
export class DockerFactsBoard {
  private facts: DockerFacts = { phase: 'absent' };

  snapshot(daemon?: Record<string, unknown>): Record<string, unknown> {
    return { ...this.facts, ...(daemon === undefined ? {} : { daemon }) };
  }

  get phase(): DockerFactsPhase {
    return this.facts.phase;
  }

  /** Moves to `phase` (dropping the previous step's transient fields when the phase changes) and merges `extra`. */
  report(phase: DockerFactsPhase, extra: Partial<Omit<DockerFacts, 'phase'>> = {}): void {
    const base: DockerFacts = { ...this.facts };
    if (phase !== base.phase) for (const key of TRANSIENT) delete base[key];
    this.facts = { ...base, ...extra, phase };
  }

  /** Drops `keys` (e.g. an error that no longer holds after a retry succeeded). */
  clear(...keys: (keyof Omit<DockerFacts, 'phase'>)[]): void {
    for (const key of keys) delete this.facts[key];
  }

  reset(): void {
    this.facts = { phase: 'absent' };
  }
}
