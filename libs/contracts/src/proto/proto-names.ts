import type { ActionDef } from '../actions/action.js';

/** The proto package every generated Powernode gRPC type lives in. */
export const PLATFORM_PROTO_PACKAGE = 'powernode.platform.v1';
/** The one gRPC service carrying every operator action. */
export const PLATFORM_PROTO_SERVICE = 'Platform';
/** Fully-qualified service name, as reflection and grpcurl show it. */
export const PLATFORM_GRPC_SERVICE = `${PLATFORM_PROTO_PACKAGE}.${PLATFORM_PROTO_SERVICE}`;

/** `recent_events` → `RecentEvents`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** The gRPC method an action is served as: `recent_events` → `RecentEvents`. */
export function grpcMethodName(action: Pick<ActionDef, 'name'>): string {
  return pascalCase(action.name);
}

/** Request message name of an action, e.g. `RecentEventsRequest`. */
export function grpcRequestType(action: Pick<ActionDef, 'name'>): string {
  return `${grpcMethodName(action)}Request`;
}

/** Response (or streamed item) message name of an action, e.g. `RecentEventsResponse`. */
export function grpcResponseType(action: Pick<ActionDef, 'name'>): string {
  return `${grpcMethodName(action)}Response`;
}
