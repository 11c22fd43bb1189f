import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { DOCKER_ONBOARDING_KINDS, EVENT_HEADERS } from '@powernode/contracts';

/** The docker kinds of one host's onboarding, in the tutorial's order (the phases the benchmark times). */
export const ONBOARDING_PHASES = DOCKER_ONBOARDING_KINDS;

const CONNECTED = 'system.docker.provisioned';
const FAILED = 'system.docker.handshake.failed';

/**
 * Watches the platform's events the way any external watcher can (a plain NATS subscription on the stream's
 * subjects, kinds from the headers): when each host passed each onboarding phase, failures, totals per kind.
 */
export class FleetWatch {
  /** host id → kind → first time seen (ms, this process's clock). */
  readonly hosts = new Map<string, Map<string, number>>();
  readonly kinds = new Map<string, number>();
  /** Instances that enrolled (a retried enrolment records the event again: count each instance once). */
  readonly enrolled = new Set<string>();
  connected = 0;
  failed = 0;
  lastFailure: string | undefined;
  private readonly sub: Subscription;
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(nc: NatsConnection, subjectPrefix: string) {
    this.sub = nc.subscribe(`${subjectPrefix}.>`, {
      callback: (error, msg) => {
        if (error || !msg.headers) return;
        const now = performance.now();
        const kinds = (msg.headers.get(EVENT_HEADERS.kinds) || msg.headers.get(EVENT_HEADERS.kind)).split(',');
        const aggregate = msg.headers.get(EVENT_HEADERS.aggregateId);
        for (const kind of kinds) {
          this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
          if (kind === 'system.catalog.instance.enrolled') this.enrolled.add(aggregate);
          if (!kind.startsWith('system.docker.')) continue;
          let seen = this.hosts.get(aggregate);
          if (!seen) this.hosts.set(aggregate, (seen = new Map()));
          if (seen.has(kind)) continue;
          seen.set(kind, now);
          if (kind === CONNECTED) this.connected += 1;
          if (kind === FAILED) {
            this.failed += 1;
            this.lastFailure = new TextDecoder().decode(msg.data).slice(0, 400);
          }
        }
        if (this.waiters.length) this.waiters = this.waiters.filter((w) => (this.connected >= w.count ? (w.resolve(), false) : true));
      },
    });
  }

  /** Resolves once `count` hosts are connected (provisioned). */
  connectedAtLeast(count: number): Promise<void> {
    if (this.connected >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Milliseconds between two phases for every host that passed both. */
  durations(from: string, to: string): number[] {
    const out: number[] = [];
    for (const seen of this.hosts.values()) {
      const a = seen.get(from);
      const b = seen.get(to);
      if (a !== undefined && b !== undefined) out.push(b - a);
    }
    return out;
  }

  /** The time the last host got connected. */
  lastConnectedAt(): number {
    let last = 0;
    for (const seen of this.hosts.values()) last = Math.max(last, seen.get(CONNECTED) ?? 0);
    return last;
  }

  stop(): void {
    this.sub.unsubscribe();
  }
}

/** p-th percentile (nearest rank) of `values`; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
