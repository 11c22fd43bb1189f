import type { DesiredState } from './desired-state.js';
import { networkIdsOf } from './desired-state.js';
import type { Mark } from './event-marks.js';

/** How long an entry may answer heartbeats at most, whatever the events say (a bound on a missed event). */
export const DESIRED_CACHE_TTL_MS = 120_000;

interface Entry {
  templateId: string;
  desired: DesiredState;
  networkIds: readonly string[];
  at: number;
}

/**
 * The desired state this replica last read per instance, so that a heartbeat from an agent that already holds the
 * current one costs no read: at 10,000 agents a read per heartbeat (four queries and an sdwan call, every 25 s per
 * agent) was the platform's whole steady load. The long-poll feeds it the marks of every event that may change a
 * state (`forget`) and stores only reads no such event may have raced; an entry lives at most the TTL, and every
 * entry goes when the event tail may have missed events (`clear`, on a NATS reconnect).
 */
export class DesiredStateCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byNetwork = new Map<string, Set<string>>();

  constructor(
    private readonly ttlMs = DESIRED_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The state held for the instance when it is still `version` and fresh enough; else undefined. */
  get(instanceId: string, version: string): { desired: DesiredState; templateId: string } | undefined {
    const entry = this.entries.get(instanceId);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.ttlMs) {
      this.delete(instanceId);
      return undefined;
    }
    return entry.desired.version === version ? { desired: entry.desired, templateId: entry.templateId } : undefined;
  }

  set(instanceId: string, templateId: string, desired: DesiredState): void {
    this.delete(instanceId);
    const networkIds = networkIdsOf(desired);
    this.entries.set(instanceId, { templateId, desired, networkIds, at: this.now() });
    for (const network of networkIds) {
      let members = this.byNetwork.get(network);
      if (!members) this.byNetwork.set(network, (members = new Set()));
      members.add(instanceId);
    }
  }

  /** Drops every entry the event behind `mark` may have changed. */
  forget({ kind, id }: Mark): void {
    if (kind === 'i' || kind === 's') this.delete(id);
    else if (kind === 'n') for (const instanceId of [...(this.byNetwork.get(id) ?? [])]) this.delete(instanceId);
    else if (kind === 't') {
      for (const [instanceId, entry] of this.entries) if (entry.templateId === id) this.delete(instanceId);
    } else this.clear();
  }

  clear(): void {
    this.entries.clear();
    this.byNetwork.clear();
  }

  private delete(instanceId: string): void {
    const entry = this.entries.get(instanceId);
    if (!entry) return;
    this.entries.delete(instanceId);
    for (const network of entry.networkIds) {
      const members = this.byNetwork.get(network);
      members?.delete(instanceId);
      if (members?.size === 0) this.byNetwork.delete(network);
    }
  }
}
