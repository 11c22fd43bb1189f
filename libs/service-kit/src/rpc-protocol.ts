import { z } from 'zod';
import { type ErrorBody } from '@powernode/contracts';

/** The caller as services see it: resolved and authorised by the gateway. */
export const callerRefSchema = z.object({
  account_id: z.string().min(1),
  name: z.string().min(1),
  roles: z.array(z.string()),
});
export type CallerRef = z.infer<typeof callerRefSchema>;

/** What travels in an action request over NATS (inside Nest's packet). */
export const actionRequestSchema = z.object({
  input: z.unknown(),
  caller: callerRefSchema,
  correlation_id: z.string().min(1),
});
export type ActionRequest = z.infer<typeof actionRequestSchema>;

/** Replies never throw across the wire: they carry either the output or a stable error body. */
export type ActionReply = { ok: true; output: unknown } | { ok: false; error: ErrorBody };

export interface HandlerContext {
  caller: CallerRef;
  /** Recorded on every event a mutating action appends. */
  actor: string;
  correlationId: string;
  traceparent?: string;
}

/** The actor recorded on events: `operator:<account>` for people, `service:<name>` for platform services. */
export function actorOf(caller: CallerRef): string {
  return caller.roles.includes('service') ? `service:${caller.name.replace(/^service-/, '')}` : `operator:${caller.name}`;
}
