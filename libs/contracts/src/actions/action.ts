import type { z } from 'zod';
import type { Permission } from '../permissions.js';

/** Services that own actions; each answers its actions' NATS subjects in a queue group of this name. */
export const SERVICES = ['gateway', 'ca', 'catalog', 'handshake', 'sdwan', 'docker-proxy'] as const;
export type ServiceName = (typeof SERVICES)[number];

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/** One operator action: the single row that HTTP, gRPC and MCP are all generated from. */
export interface ActionDef<I extends ObjectSchema = ObjectSchema, O extends ObjectSchema = ObjectSchema> {
  name: string;
  description: string;
  service: ServiceName;
  permission: Permission;
  /** Mutating actions append events carrying the caller as actor. */
  mutating: boolean;
  input: I;
  /** For streaming actions, the schema of each streamed item. */
  output: O;
  /**
   * How long a caller waits for the owning service's answer (default: the RPC client's, 15 s). Longer for
   * actions that wait on something slow by nature, such as a daemon pulling an image.
   */
  timeoutMs?: number;
  /** Server-streaming: SSE on HTTP, server streaming on gRPC, absent from MCP. */
  streaming?: true;
  /**
   * Platform-internal (service to service over NATS only, never exposed by the gateway): callers
   * must present the platform service token.
   */
  internal?: true;
}

export function defineAction<I extends ObjectSchema, O extends ObjectSchema>(def: ActionDef<I, O>): ActionDef<I, O> {
  return def;
}

/** NATS request subject of an action: `<rpcPrefix>.<service>.<action>`. */
export function actionSubject(rpcPrefix: string, action: Pick<ActionDef, 'service' | 'name'>): string {
  return `${rpcPrefix}.${action.service}.${action.name}`;
}

/** NATS header carrying the platform service token on internal action requests. */
export const SERVICE_TOKEN_HEADER = 'Powernode-Service-Token';

/** Subject every service answers with its own status: `<rpcPrefix>.<service>.status`. */
export function statusSubject(rpcPrefix: string, service: ServiceName): string {
  return `${rpcPrefix}.${service}._status`;
}
