import type { EventEnvelope } from '@powernode/contracts';
import { tailEvents } from '@powernode/eventstore';
import type { HandshakeRuntime } from '../runtime.js';
import { lastStreamSeq } from '../stream-position.js';
import type { DesiredStateReader } from './desired-state.reader.js';
import { DesiredStateCache } from './desired-state-cache.js';
import { marksOf, type Mark } from './event-marks.js';
import { networkIdsOf, type DesiredState } from './desired-state.js';

const RECENT_MS = 5_000;
/** The one delayed re-read after an SDWAN event that seemed to change nothing (see `refresh`). */
const SDWAN_LAG_RETRY_MS = 200;

interface Waiter {
  instanceId: string;
  templateId: string;
  /** Networks the held state has an interface on: their events may change it. */
  networkIds: readonly string[];
  heldVersion: string;
  /** The held state's SDWAN part: reused when only modules may have changed. */
  heldSdwan: DesiredState['sdwan'];
  settle(outcome: { desired?: DesiredState; error?: unknown }): void;
}

/** The waiters the events since the last refresh may concern (see `Mark`). */
interface Scope {
  templates: Set<string>;
  instances: Set<string>;
  all: boolean;
  sdwanInstances: Set<string>;
  networks: Set<string>;
  /** The one delayed re-read after an SDWAN event: the SDWAN part is read again, with no further retry. */
  sdwanRetries: Set<string>;
}

const emptyScope = (): Scope => ({ templates: new Set(), instances: new Set(), all: false, sdwanInstances: new Set(), networks: new Set(), sdwanRetries: new Set() });

/**
 * Held heartbeats. Every replica tails `system.catalog`, `system.sdwan` and `system.docker` live (core subscriptions, so each
 * replica sees every event); an event that may change a waiter's desired state re-reads it once the projections
 * caught up with the stream, once per affected instance (never a poll per waiter). A change answers at once.
 */
export class LongPoll {
  private readonly waiters = new Set<Waiter>();
  private pending: Scope = emptyScope();
  private running: Promise<void> | null = null;
  /** When each scope last saw an event: a waiter registering right after one must not miss it. */
  private readonly recent = new Map<string, number>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private tails: { stop(): void }[] = [];
  /** States this replica read, answering heartbeats that already hold them (see DesiredStateCache). */
  private readonly cache = new DesiredStateCache();

  constructor(
    private readonly runtime: HandshakeRuntime,
    private readonly reader: DesiredStateReader,
  ) {}

  start(): void {
    const { config } = this.runtime;
    const store = { stream: config.EVENT_STREAM, subjectPrefix: config.EVENT_SUBJECT_PREFIX, replicas: config.EVENT_STREAM_REPLICAS };
    this.tails = ['system.catalog', 'system.sdwan', 'system.docker'].map((prefix) => tailEvents(this.runtime.nc, store, this.runtime.registry, prefix, (e) => this.onEvent(e)));
    // While NATS is away the tails miss events: no cached state can be trusted after that.
    let watching = true;
    this.tails.push({ stop: () => (watching = false) });
    void (async () => {
      for await (const s of this.runtime.nc.status()) {
        if (!watching) break;
        if (s.type === 'disconnect' || s.type === 'reconnect') this.cache.clear();
      }
    })();
  }

  /** The instance's state as this replica last read it, when the agent holds exactly that one and no event may have changed it. */
  held(instanceId: string, version: string): { desired: DesiredState; templateId: string } | undefined {
    return this.cache.get(instanceId, version);
  }

  /**
   * Keeps a state just read (the read began at `readStartedAt`) for the next heartbeats, unless an event that may
   * change it was seen too recently to trust the read, or the read itself took so long that such an event is no
   * longer among the recent ones.
   */
  remember(instanceId: string, templateId: string, desired: DesiredState, readStartedAt: number): void {
    if (Date.now() - readStartedAt > RECENT_MS) return;
    if (!this.recentFor(instanceId, templateId, networkIdsOf(desired))) this.cache.set(instanceId, templateId, desired);
  }

  /** Instances with a held heartbeat: they count as heartbeating while held. */
  heldInstances(): string[] {
    return [...new Set([...this.waiters].map((w) => w.instanceId))];
  }

  /** Resolves with the new desired state when it changes from `held`, or undefined after `waitMs` or `signal`. */
  wait(instanceId: string, templateId: string, held: DesiredState, waitMs: number, signal: AbortSignal): Promise<DesiredState | undefined> {
    return new Promise((resolve, reject) => {
      const done = (outcome: { desired?: DesiredState; error?: unknown }) => {
        if (!this.waiters.delete(waiter)) return;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (outcome.error) reject(outcome.error);
        else resolve(outcome.desired);
      };
      const waiter: Waiter = { instanceId, templateId, networkIds: networkIdsOf(held), heldVersion: held.version, heldSdwan: held.sdwan, settle: done };
      const onAbort = () => done({});
      const timer = setTimeout(() => done({}), waitMs);
      this.waiters.add(waiter);
      signal.addEventListener('abort', onAbort);
      this.recheckIfRecent(waiter);
    });
  }

  /** Answers every held heartbeat (unchanged) and stops tailing. */
  stop(): void {
    for (const tail of this.tails) tail.stop();
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    for (const w of [...this.waiters]) w.settle({});
  }

  private onEvent(event: EventEnvelope): void {
    const marks = marksOf(event);
    for (const { kind, id } of marks) this.mark(kind, id);
    if (marks.length) this.schedule();
  }

  private mark(kind: Mark['kind'], id: string): void {
    this.cache.forget({ kind, id });
    if (kind === 't') this.pending.templates.add(id);
    else if (kind === 'i') this.pending.instances.add(id);
    else if (kind === 's') this.pending.sdwanInstances.add(id);
    else if (kind === 'n') this.pending.networks.add(id);
    else this.pending.all = true;
    const now = Date.now();
    this.recent.set(`${kind}:${id}`, now);
    for (const [key, at] of this.recent) if (now - at > RECENT_MS) this.recent.delete(key);
  }

  /** The waiter read its state before registering: an event seen in between is re-checked for it. */
  private recheckIfRecent(w: Waiter): void {
    const recent = this.recentFor(w.instanceId, w.templateId, w.networkIds);
    if (recent === 'sdwan') this.pending.sdwanInstances.add(w.instanceId);
    else if (recent === 'modules') this.pending.instances.add(w.instanceId);
    else return;
    this.schedule();
  }

  /** Which part of the instance's state an event seen in the last RECENT_MS may have changed, if any. */
  private recentFor(instanceId: string, templateId: string, networkIds: readonly string[]): 'sdwan' | 'modules' | undefined {
    const now = Date.now();
    const seen = (key: string) => now - (this.recent.get(key) ?? -Infinity) <= RECENT_MS;
    if (seen(`s:${instanceId}`) || networkIds.some((n) => seen(`n:${n}`))) return 'sdwan';
    if (seen(`t:${templateId}`) || seen(`i:${instanceId}`) || seen('all:')) return 'modules';
    return undefined;
  }

  /** One refresh at a time; events arriving meanwhile are handled by the next one. */
  private schedule(): void {
    if (this.running) return;
    this.running = this.refresh().finally(() => {
      this.running = null;
      const p = this.pending;
      if (p.all || p.templates.size || p.instances.size || p.sdwanInstances.size || p.networks.size || p.sdwanRetries.size) this.schedule();
    });
  }

  /**
   * Re-reads the affected instances. The handshake's own projections are awaited (`caughtUp`), but the SDWAN
   * part comes from the sdwan service, which answers from its projections without waiting for them (only its
   * commands wait), and how far those got is the sdwan service's business (its database, its consumers). The
   * event reaches us at about the time it reaches them, so a read may miss it: when an SDWAN event seems to
   * change nothing, that instance is read once more after SDWAN_LAG_RETRY_MS (a projection applies an event
   * in one short transaction, so that covers the usual lag). One retry bounds the cost of events that really
   * change nothing for a waiter (its own key report, a peer's unchanged endpoint); a longer lag only costs the
   * early answer: the agent's next heartbeat carries the old version and gets the new state at once.
   */
  private async refresh(): Promise<void> {
    const scope = this.pending;
    this.pending = emptyScope();
    const bySdwan = (w: Waiter) => scope.sdwanInstances.has(w.instanceId) || w.networkIds.some((n) => scope.networks.has(n));
    const retried = (w: Waiter) => scope.sdwanRetries.has(w.instanceId);
    const affected = [...this.waiters].filter((w) => scope.all || scope.templates.has(w.templateId) || scope.instances.has(w.instanceId) || bySdwan(w) || retried(w));
    if (!affected.length) return;
    await this.caughtUp();
    const byInstance = new Map<string, Waiter[]>();
    for (const w of affected) byInstance.set(w.instanceId, [...(byInstance.get(w.instanceId) ?? []), w]);
    const lagging: string[] = [];
    await Promise.all(
      [...byInstance].map(async ([instanceId, waiters]) => {
        try {
          // A template change reaching every instance of a big template must not ask the sdwan service for each
          // peer list again: without an SDWAN event for it, the one held is still the one the service would give.
          const [only] = waiters;
          const known = waiters.length === 1 && !bySdwan(only!) && !retried(only!) ? only!.heldSdwan : undefined;
          const { desired } = await this.reader.read(instanceId, known);
          for (const w of waiters) if (desired.version !== w.heldVersion) w.settle({ desired });
          if (waiters.some((w) => desired.version === w.heldVersion && bySdwan(w))) lagging.push(instanceId);
        } catch (error) {
          for (const w of waiters) w.settle({ error });
        }
      }),
    );
    if (lagging.length) this.retryLater(lagging);
  }

  /** Marks the instances again after a pause, to read their SDWAN part once more: they get no second retry. */
  private retryLater(instanceIds: string[]): void {
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      for (const id of instanceIds) this.pending.sdwanRetries.add(id);
      this.schedule();
    }, SDWAN_LAG_RETRY_MS);
    this.retries.add(timer);
  }

  /** Waits until the projections applied everything in the stream now (bounded; a late read is retried by the next event). */
  private async caughtUp(): Promise<void> {
    try {
      const seq = await lastStreamSeq(this.runtime);
      const { instances, templates, modules, directDocker } = this.runtime.projections;
      await Promise.all([instances, templates, modules, directDocker].map((p) => p.waitFor(seq, 5_000)));
    } catch (error) {
      this.runtime.logger.warn({ err: error }, 'desired-state projections did not catch up in time');
    }
  }
}
