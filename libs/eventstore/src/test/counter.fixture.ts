import { z } from 'zod';
import { EventRegistry, PlatformError, type EventEnvelope } from '@powernode/contracts';
import { openDatabase } from '@powernode/service-kit';
import { TEST_DATABASE_URL } from '@powernode/testing';
import type { DataSource } from 'typeorm';
import type { Decider } from '../handle-command.js';
import { eventstoreMigrations } from '../migrations.js';
import type { Projection } from '../projection.js';

export const INCREMENTED = 'system.test.counter.incremented';
export const RESET = 'system.test.counter.reset';
export const GAUGE_SET = 'system.test.gauge.set';
export const OTHER = 'system.other.thing.happened';

/** Test kinds; `incremented` has two versions so reads exercise the upcast. */
export function counterRegistry(): EventRegistry {
  return new EventRegistry()
    .register({ kind: INCREMENTED, version: 1, schema: z.object({ by: z.number().int() }), upcast: (d) => ({ ...d, note: 'v1' }) })
    .register({ kind: INCREMENTED, version: 2, schema: z.object({ by: z.number().int(), note: z.string() }) })
    .register({ kind: RESET, version: 1, schema: z.object({}) })
    .register({ kind: GAUGE_SET, version: 1, schema: z.object({ value: z.number() }) })
    .register({ kind: OTHER, version: 1, schema: z.object({ n: z.number() }) });
}

export type CounterCommand = { type: 'increment'; by: number; note?: string } | { type: 'reset' };
export interface CounterState {
  count: number;
}

/** A counter that refuses to go above `limit`, so decide has a domain error to throw. */
export function counterDecider(limit = Number.MAX_SAFE_INTEGER): Decider<CounterState, CounterCommand> {
  return {
    initialState: () => ({ count: 0 }),
    evolve: (state, event) => (event.kind === RESET ? { count: 0 } : { count: state.count + Number(event.data['by']) }),
    decide: (command, state) => {
      switch (command.type) {
        case 'increment':
          if (state.count + command.by > limit) throw new PlatformError('IllegalState', `limit ${limit} reached`);
          return command.by === 0 ? [] : [{ kind: INCREMENTED, data: { by: command.by, note: command.note ?? '' } }];
        case 'reset':
          return [{ kind: RESET, data: {} }];
        default: {
          const never: never = command;
          throw new Error(`unknown command ${JSON.stringify(never)}`);
        }
      }
    },
  };
}

export interface CounterRow extends Record<string, unknown> {
  total: number;
  applications: number;
  eventIds: string[];
}

/** Counts how often evolve ran per aggregate, so a double application shows up as a wrong count. */
export const countingProjection: Projection<CounterRow> = {
  name: 'counters',
  version: 1,
  canHandle: [INCREMENTED, RESET],
  keyOf: (event: EventEnvelope) => event.aggregate_id,
  evolve: (row, event) =>
    event.kind === RESET
      ? null
      : {
          total: (row?.total ?? 0) + Number(event.data['by']),
          applications: (row?.applications ?? 0) + 1,
          eventIds: [...(row?.eventIds ?? []), event.id],
        },
};

/** A data source on a fresh schema with the event store's migrations applied. */
export function openTestDatabase(schema: string): Promise<DataSource> {
  return openDatabase({ url: TEST_DATABASE_URL, schema, migrations: eventstoreMigrations(), poolSize: 4 });
}
