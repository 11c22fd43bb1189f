import { ServerNats, type NatsContext } from '@nestjs/microservices';
import { timingSafeEqual } from 'node:crypto';
import {
  ACTIONS,
  INTERNAL_ACTIONS,
  PlatformError,
  SERVICE_TOKEN_HEADER,
  actionSubject,
  parseInput,
  type ActionDef,
  type ServiceName,
} from '@powernode/contracts';
import type { Logger } from 'pino';
import { actionRequestSchema, actorOf, type ActionReply, type HandlerContext } from './rpc-protocol.js';
import { currentTraceparent, inSpan } from './telemetry.js';
import { toErrorBody } from './errors.js';

// Handlers are typed by their action's schemas at the call site (see `handle`).
export type ActionHandler = (input: never, context: HandlerContext) => Promise<unknown>;

/** Binds a handler to its action with the input/output types the table declares. */
export function handle<A extends ActionDef>(
  action: A,
  fn: (input: ReturnType<A['input']['parse']>, context: HandlerContext) => Promise<ReturnType<A['output']['parse']>>,
): [string, ActionHandler] {
  return [action.name, fn as ActionHandler];
}

export interface ActionServerOptions {
  natsUrl: string;
  rpcPrefix: string;
  service: ServiceName;
  handlers: Iterable<[string, ActionHandler]>;
  logger: Logger;
  /** Internal actions answer only requests carrying this token; without one they refuse all. */
  serviceToken?: string;
}

/**
 * The service side of every action: a NestJS NATS transport whose handlers come from the action
 * table, in a queue group named for the service so N replicas share the load.
 */
export class ActionServer extends ServerNats {
  constructor(private readonly serverOptions: ActionServerOptions) {
    super({ servers: serverOptions.natsUrl, queue: serverOptions.service, name: `${serverOptions.service}-actions` });
    const handlers = new Map(serverOptions.handlers);
    for (const action of [...ACTIONS, ...INTERNAL_ACTIONS].filter((a) => a.service === serverOptions.service && !a.streaming)) {
      const fn = handlers.get(action.name);
      if (!fn) throw new Error(`service ${serverOptions.service} has no handler for action ${action.name}`);
      handlers.delete(action.name);
      this.addHandler(actionSubject(serverOptions.rpcPrefix, action), (data: unknown, ctx: NatsContext) =>
        this.run(action, fn, data, ctx),
      );
    }
    if (handlers.size) throw new Error(`handlers for actions not in the table: ${[...handlers.keys()].join(', ')}`);
  }

  private async run(action: ActionDef, fn: ActionHandler, data: unknown, ctx: NatsContext): Promise<ActionReply> {
    const traceparent = ctx.getHeaders()?.get('traceparent') || undefined;
    return inSpan(`handle ${action.name}`, traceparent, { 'powernode.action': action.name }, async () => {
      try {
        if (action.internal) this.checkServiceToken(ctx.getHeaders()?.get(SERVICE_TOKEN_HEADER));
        const request = parseInput(actionRequestSchema, data, 'action request');
        const input = parseInput(action.input, request.input, `${action.name} input`);
        const context: HandlerContext = {
          caller: request.caller,
          actor: actorOf(request.caller),
          correlationId: request.correlation_id,
          traceparent: currentTraceparent(),
        };
        const output = await (fn as (i: unknown, c: HandlerContext) => Promise<unknown>)(input, context);
        return { ok: true, output: action.output.parse(output) };
      } catch (error) {
        const body = toErrorBody(error);
        if (!(error instanceof PlatformError)) {
          this.serverOptions.logger.error({ err: error, action: action.name, errorId: body.details?.errorId }, 'action failed');
        }
        return { ok: false, error: body };
      }
    });
  }

  private checkServiceToken(presented: string | undefined): void {
    const expected = this.serverOptions.serviceToken;
    const ok =
      !!expected && !!presented && presented.length === expected.length && timingSafeEqual(Buffer.from(presented), Buffer.from(expected));
    if (!ok) throw new PlatformError('PermissionDenied', 'internal action: only platform services may call it');
  }
}
