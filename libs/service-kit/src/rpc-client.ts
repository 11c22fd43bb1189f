import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, NoRespondersError, TimeoutError, RequestError, type NatsConnection } from '@nats-io/transport-node';
import { PlatformError, SERVICE_TOKEN_HEADER, actionSubject, type ActionDef, type ErrorBody } from '@powernode/contracts';
import type { ActionReply, ActionRequest, CallerRef } from './rpc-protocol.js';
import { currentTraceparent } from './telemetry.js';

/** Nest's NATS reply packet: `{ id, response, err, isDisposed }`. */
interface NestReply {
  id?: string;
  response?: ActionReply;
  err?: unknown;
}

export interface RpcClientOptions {
  timeoutMs?: number;
  /** Sent with internal actions; services refuse internal requests without it. */
  serviceToken?: string;
}

/**
 * Calls actions on their owning service. It speaks the NestJS NATS packet format but uses the
 * connection's multiplexed `request`, so a missing service fails at once ("no responders")
 * instead of waiting out the timeout as Nest's ClientNats (an inbox subscription per call) does.
 */
export class RpcClient {
  private readonly timeoutMs: number;

  constructor(
    private readonly nc: NatsConnection,
    private readonly rpcPrefix: string,
    private readonly options: RpcClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async call(action: ActionDef, request: Omit<ActionRequest, 'correlation_id'> & { correlation_id?: string }): Promise<unknown> {
    const subject = actionSubject(this.rpcPrefix, action);
    const hdrs = natsHeaders();
    const traceparent = currentTraceparent();
    if (traceparent) hdrs.set('traceparent', traceparent);
    if (action.internal && this.options.serviceToken) hdrs.set(SERVICE_TOKEN_HEADER, this.options.serviceToken);
    const packet = {
      pattern: subject,
      id: randomUUID(),
      data: { ...request, correlation_id: request.correlation_id ?? randomUUID() },
    };
    let reply: NestReply;
    try {
      const msg = await this.nc.request(subject, JSON.stringify(packet), { timeout: action.timeoutMs ?? this.timeoutMs, headers: hdrs });
      reply = msg.json<NestReply>();
    } catch (error) {
      throw mapTransportError(error, action);
    }
    if (reply.response && typeof reply.response === 'object' && 'ok' in reply.response) {
      if (reply.response.ok) return reply.response.output;
      throw PlatformError.fromBody(reply.response.error as ErrorBody);
    }
    throw new PlatformError('Internal', `malformed reply from ${action.service} for ${action.name}`);
  }

  /** Calls an internal action as a platform service. */
  callInternal(action: ActionDef, input: unknown, service: string): Promise<unknown> {
    return this.call(action, { input, caller: serviceCaller(service) });
  }
}

/** How a platform service appears as a caller (its events' actor is `service:<name>`). */
export function serviceCaller(service: string): CallerRef {
  return { account_id: `service-${service}`, name: `service-${service}`, roles: ['service'] };
}

function mapTransportError(error: unknown, action: ActionDef): PlatformError {
  if (error instanceof NoRespondersError || (error instanceof RequestError && error.isNoResponders())) {
    return new PlatformError('ServiceUnavailable', `service ${action.service} is not running`, { service: action.service });
  }
  if (error instanceof TimeoutError) {
    return new PlatformError('Timeout', `service ${action.service} did not answer ${action.name} in time`, { service: action.service });
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause && cause !== error) return mapTransportError(cause, action);
  return new PlatformError('ServiceUnavailable', `NATS request failed: ${(error as Error).message}`);
}
