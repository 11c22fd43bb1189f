import type { z } from 'zod';
import { EVENT_KIND, type EventEnvelope } from './envelope.js';
import { PlatformError } from './errors.js';
import { parseInput } from './validation.js';

type AnyObject = z.ZodType<Record<string, unknown>>;

/** One version of one event kind. `upcast` lifts data of this version to the next. */
export interface EventKindVersion {
  kind: string;
  version: number;
  schema: AnyObject;
  upcast?: (data: Record<string, unknown>) => Record<string, unknown>;
}

/** Thrown for events whose shape is wrong; consumers dead-letter them instead of crashing. */
export class EventSchemaError extends PlatformError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('InvalidInput', message, details);
  }
}

/** Event kinds and their versioned schemas. Versioning is additive: stored events are never rewritten. */
export class EventRegistry {
  private readonly kinds = new Map<string, EventKindVersion[]>();

  register(entry: EventKindVersion): this {
    if (!EVENT_KIND.test(entry.kind)) throw new Error(`bad event kind ${entry.kind}`);
    const versions = this.kinds.get(entry.kind) ?? [];
    if (entry.version !== versions.length + 1) {
      throw new Error(`${entry.kind}: versions must be registered in order, got v${entry.version}`);
    }
    versions.push(entry);
    this.kinds.set(entry.kind, versions);
    return this;
  }

  has(kind: string): boolean {
    return this.kinds.has(kind);
  }

  list(): string[] {
    return [...this.kinds.keys()].sort();
  }

  latestVersion(kind: string): number {
    return this.versionsOf(kind).length;
  }

  /** Validates data for a new event against the kind's latest schema. */
  validateNew(kind: string, data: unknown): Record<string, unknown> {
    const versions = this.versionsOf(kind);
    const latest = versions[versions.length - 1]!;
    return parseInput(latest.schema, data, `data for ${kind} v${latest.version}`);
  }

  /** Validates a stored event and upcasts it to the latest version of its kind. */
  read(event: EventEnvelope): EventEnvelope {
    const versions = this.versionsOf(event.kind);
    const stored = versions[event.schema - 1];
    if (!stored) throw new EventSchemaError(`${event.kind} has no schema v${event.schema}`);
    let data = this.check(stored, event.data);
    for (let v = event.schema; v < versions.length; v += 1) {
      const upcast = versions[v - 1]!.upcast;
      if (!upcast) throw new EventSchemaError(`${event.kind} v${v} has no upcast`);
      data = this.check(versions[v]!, upcast(data));
    }
    return { ...event, schema: versions.length, data };
  }

  private check(entry: EventKindVersion, data: unknown): Record<string, unknown> {
    const result = entry.schema.safeParse(data);
    if (!result.success) {
      throw new EventSchemaError(`${entry.kind} v${entry.version} data does not match its schema`, {
        issues: result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
      });
    }
    return result.data;
  }

  private versionsOf(kind: string): EventKindVersion[] {
    const versions = this.kinds.get(kind);
    if (!versions) throw new EventSchemaError(`unknown event kind ${kind}`);
    return versions;
  }
}
