import { randomUUID } from 'node:crypto';
import { PlatformError, findAction, parseInput, platformActions, type ActionDef } from '@powernode/contracts';
import { inSpan } from '@powernode/service-kit';
import type { TokenAuthenticator } from '../identity/authenticator.js';
import type { GatewayRuntime } from '../runtime.js';
import { ActionInvoker, type CallContext, type Caller } from './action-invoker.js';
import { watchEvents } from '../events/watch-events.js';

/**
 * The gateway's edge logic, shared by HTTP, gRPC and MCP: resolve the action, check the caller's
 * permission, validate input (bad input never reaches a service), and route to the owning service.
 */
export class GatewayActionInvoker extends ActionInvoker {
  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly auth: TokenAuthenticator,
  ) {
    super();
  }

  authenticate(authorization: string | undefined): Promise<Caller> {
    return this.auth.authenticate(authorization);
  }

  async invoke(name: string, rawInput: unknown, caller: Caller, context: CallContext = {}): Promise<unknown> {
    const action = this.authorise(name, caller, false);
    const input = parseInput(action.input, rawInput ?? {}, `${action.name} input`);
    return inSpan(`action ${action.name}`, context.traceparent, { 'powernode.action': action.name, 'powernode.caller': caller.name }, () =>
      this.runtime.rpc.call(action, {
        input,
        caller: { account_id: caller.accountId, name: caller.name, roles: [...caller.roles] },
        correlation_id: context.requestId ?? randomUUID(),
      }),
    );
  }

  /** Checks everything before returning, so transports can still answer with an error status. */
  stream(name: string, rawInput: unknown, caller: Caller, signal: AbortSignal): AsyncIterable<unknown> {
    const action = this.authorise(name, caller, true);
    if (action.name !== platformActions.watchEvents.name) throw new PlatformError('NotFound', `no stream handler for ${action.name}`);
    const input = parseInput(platformActions.watchEvents.input, rawInput ?? {}, `${action.name} input`);
    return watchEvents(this.runtime, input.kind_prefix, signal);
  }

  private authorise(name: string, caller: Caller, streaming: boolean): ActionDef {
    const action = findAction(name);
    if (!action) throw new PlatformError('NotFound', `unknown action ${name}`, { action: name });
    if (Boolean(action.streaming) !== streaming) {
      throw new PlatformError('InvalidInput', `${name} is ${action.streaming ? 'a streaming' : 'a unary'} action`, { action: name });
    }
    if (!caller.permissions.has(action.permission)) {
      throw new PlatformError('PermissionDenied', `${name} needs permission ${action.permission}`, { permission: action.permission });
    }
    return action;
  }
}
