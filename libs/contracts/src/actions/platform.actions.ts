import { z } from 'zod';
import { defineAction } from './action.js';

const partStatus = z.object({
  reachable: z.boolean(),
  version: z.string().optional(),
  error: z.string().optional(),
});

export const platformProvisioningStatus = defineAction({
  name: 'platform_provisioning_status',
  description: 'Reachability and versions of NATS, the JetStream event stream, PostgreSQL and every platform service.',
  service: 'gateway',
  permission: 'system.platform_read',
  mutating: false,
  input: z.object({}),
  output: z.object({
    nats: partStatus,
    jetstream: partStatus.extend({ stream: z.string(), messages: z.number().int().optional() }),
    postgres: partStatus,
    services: z.array(partStatus.extend({ name: z.string(), instances: z.number().int() })),
    ca_adapter: z.enum(['LocalCaAdapter', 'VaultCaAdapter']).optional(),
    ca: partStatus.extend({
      can_sign: z.boolean().optional(),
      chain_valid: z.boolean().optional(),
      intermediate_days_left: z.number().optional(),
    }),
    /** The platform image registry (served by docker-proxy); absent when none is configured. */
    registry: z
      .object({
        url: z.string().optional(),
        images: z.array(z.string()),
        ready: z.boolean(),
        reachable: z.boolean(),
        error: z.string().optional(),
      })
      .optional(),
  }),
});

const eventSummary = z.object({
  id: z.string(),
  kind: z.string(),
  aggregate_id: z.string(),
  occurred_at: z.string(),
  actor: z.string(),
  data: z.record(z.string(), z.unknown()),
});

const kindPrefix = z
  .string()
  .regex(/^system(\.[a-z0-9_]+)*\.?$/, 'must be "system" or a dotted prefix of an event kind')
  .default('system');

export const recentEvents = defineAction({
  name: 'recent_events',
  description: 'Recent platform events, newest first, optionally filtered by kind prefix (e.g. "system.docker").',
  service: 'gateway',
  permission: 'system.events_read',
  mutating: false,
  input: z.object({
    kind_prefix: kindPrefix,
    limit: z.number().int().min(1).max(500).default(50),
    after: z.uuid().optional().describe('only events stored after the event with this id'),
  }),
  output: z.object({ events: z.array(eventSummary) }),
});

export const watchEvents = defineAction({
  name: 'watch_events',
  description: 'Live tail of platform events whose kind starts with kind_prefix.',
  service: 'gateway',
  permission: 'system.events_read',
  mutating: false,
  streaming: true,
  input: z.object({ kind_prefix: kindPrefix }),
  output: eventSummary,
});
