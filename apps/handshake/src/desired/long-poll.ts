import { jetstreamManager } from '@nats-io/jetstream';
import type { EventEnvelope } from '@powernode/contracts';
import { tailEvents } from '@powernode/eventstore';
import type { HandshakeRuntime } from '../runtime.js';
import type { DesiredStateReader } from './desired-state.reader.js';
import type { DesiredState } from './desired-state.js';

const RECENT_MS = 5_000;

interface Waiter {
  instanceId: string;
  templateId: string;
  heldVersion: string;
  settle(outcome: { desired?: DesiredState; error?: unknown }): void;
}

/** Which waiters an event may concern: by template, by instance, or all (module config). */
type Scope = { templates: Set<string>; instances: Set<string>; all: boolean };

/**
 * Held heartbeats. Every replica tails `system.catalog` live (a core subscription, so each replica sees every
 * event); an event that may change a waiter's desired state re-reads it once the projections caught up with the
 * stream, once per affected instance (never a poll per waiter). A change answers at once.
 */
export class LongPoll {
  private readonly waiters = new Set<Waiter>();
  private pending: Scope = { templates: new Set(), instances: new Set(), all: false };
  private running: Promise<void> | null = null;
  /** When each scope last saw an event: a waiter registering right after one must not miss it. */
  private readonly recent = new Map<string, number>();
  private tail?: { stop(): void };

  constructor(
    private readonly runtime: HandshakeRuntime,
    private readonly reader: DesiredStateReader,
  ) {}

  start(): void {
    const { config } = this.runtime;
    const store = { stream: config.EVENT_STREAM, subjectPrefix: config.EVENT_SUBJECT_PREFIX, replicas: config.EVENT_STREAM_REPLICAS };
    this.tail = tailEvents(this.runtime.nc, store, this.runtime.registry, 'system.catalog', (e) => this.onEvent(e));
  }

  /** Instances with a held heartbeat: they count as heartbeating while held. */
  heldInstances(): string[] {
    return [...new Set([...this.waiters].map((w) => w.instanceId))];
  }

  /** Resolves with the new desired state when it changes from `heldVersion`, or undefined after `waitMs` or `signal`. */
  wait(instanceId: string, templateId: string, heldVersion: string, waitMs: number, signal: AbortSignal): Promise<DesiredState | undefined> {
    return new Promise((resolve, reject) => {
      const done = (outcome: { desired?: DesiredState; error?: unknown }) => {
        if (!this.waiters.delete(waiter)) return;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (outcome.error) reject(outcome.error);
        else resolve(outcome.desired);
      };
      const waiter: Waiter = { instanceId, templateId, heldVersion, settle: done };
      const onAbort = () => done({});
      const timer = setTimeout(() => done({}), waitMs);
      this.waiters.add(waiter);
      signal.addEventListener('abort', onAbort);
      this.recheckIfRecent(waiter);
    });
  }

  /** Answers every held heartbeat (unchanged) and stops tailing. */
  stop(): void {
    this.tail?.stop();
    for (const w of [...this.waiters]) w.settle({});
  }

  private onEvent(event: EventEnvelope): void {
    const d = event.data;
    if (event.kind.startsWith('system.catalog.template.')) this.mark('t', String(d.template_id));
    else if (event.kind === 'system.catalog.instance.decommissioned') this.mark('i', String(d.instance_id));
    else if (event.kind === 'system.catalog.module.published') this.mark('all', '');
    else return;
    this.schedule();
  }

  private mark(kind: 't' | 'i' | 'all', id: string): void {
    if (kind === 't') this.pending.templates.add(id);
    else if (kind === 'i') this.pending.instances.add(id);
    else this.pending.all = true;
    const now = Date.now();
    this.recent.set(`${kind}:${id}`, now);
    for (const [key, at] of this.recent) if (now - at > RECENT_MS) this.recent.delete(key);
  }

  /** The waiter read its state before registering: an event seen in between is re-checked for it. */
  private recheckIfRecent(w: Waiter): void {
    const now = Date.now();
    const seen = (key: string) => now - (this.recent.get(key) ?? -Infinity) <= RECENT_MS;
    if (!seen(`t:${w.templateId}`) && !seen(`i:${w.instanceId}`) && !seen('all:')) return;
    this.pending.instances.add(w.instanceId);
    this.schedule();
  }

  /** One refresh at a time; events arriving meanwhile are handled by the next one. */
  private schedule(): void {
    if (this.running) return;
    this.running = this.refresh().finally(() => {
      this.running = null;
      if (this.pending.all || this.pending.templates.size || this.pending.instances.size) this.schedule();
    });
  }

  private async refresh(): Promise<void> {
    const scope = this.pending;
    this.pending = { templates: new Set(), instances: new Set(), all: false };
    const affected = [...this.waiters].filter((w) => scope.all || scope.templates.has(w.templateId) || scope.instances.has(w.instanceId));
    if (!affected.length) return;
    await this.caughtUp();
    const byInstance = new Map<string, Waiter[]>();
    for (const w of affected) byInstance.set(w.instanceId, [...(byInstance.get(w.instanceId) ?? []), w]);
    await Promise.all(
      [...byInstance].map(async ([instanceId, waiters]) => {
        try {
          const { desired } = await this.reader.read(instanceId);
          for (const w of waiters) if (desired.version !== w.heldVersion) w.settle({ desired });
        } catch (error) {
          for (const w of waiters) w.settle({ error });
        }
      }),
    );
  }

  /** Waits until the projections applied everything in the stream now (bounded; a late read is retried by the next event). */
  private async caughtUp(): Promise<void> {
    try {
      const jsm = await jetstreamManager(this.runtime.nc);
      const seq = (await jsm.streams.info(this.runtime.config.EVENT_STREAM)).state.last_seq;
      const { instances, templates, modules } = this.runtime.projections;
      await Promise.all([instances.waitFor(seq, 5_000), templates.waitFor(seq, 5_000), modules.waitFor(seq, 5_000)]);
    } catch (error) {
      this.runtime.logger.warn({ err: error }, 'desired-state projections did not catch up in time');
    }
  }
}
