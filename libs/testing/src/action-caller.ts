import type { ActionDef } from '@powernode/contracts';
import { serviceCaller, type CallerRef, type RpcClient } from '@powernode/service-kit';

export interface CallOptions {
  /** An operator account name; without it the call comes from a platform service (`test`). */
  caller?: string;
  /** The operator's roles (admin unless given). */
  roles?: string[];
}

/** What the test services expose as `call`: an action over NATS as the platform (service token) or as an operator. */
export type ActionCall = (action: ActionDef, input: unknown, options?: CallOptions) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each action has its own output shape; tests assert on it

export function actionCaller(rpc: RpcClient): ActionCall {
  return (action, input, options = {}) => {
    const caller: CallerRef =
      options.caller === undefined ? serviceCaller('test') : { account_id: options.caller, name: options.caller, roles: options.roles ?? ['admin'] };
    return rpc.call(action, { input, caller });
  };
}
