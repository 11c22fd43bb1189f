import { actionJsonSchema } from '../actions/json-schema.js';
import type { ActionDef } from '../actions/action.js';
import { PROTO_LIST_VALUE, PROTO_STRUCT, PROTO_VALUE, messageFromJsonSchema, type JsonSchema, type ProtoMessage } from './json-schema-to-proto.js';
import { PLATFORM_PROTO_PACKAGE, PLATFORM_PROTO_SERVICE, grpcMethodName, grpcRequestType, grpcResponseType } from './proto-names.js';

/** How to regenerate the committed proto; printed in its header and by the guarding test. */
export const PLATFORM_PROTO_REGENERATE = 'UPDATE_PROTO=1 npm test -- libs/contracts/src/proto';

/** The request and response (or streamed item) messages of an action, exactly as rendered into the proto. */
export function actionProtoMessages(action: ActionDef): { request: ProtoMessage; response: ProtoMessage } {
  return {
    request: messageFromJsonSchema(grpcRequestType(action), actionJsonSchema(action.input, 'input') as JsonSchema),
    response: messageFromJsonSchema(grpcResponseType(action), actionJsonSchema(action.output, 'output') as JsonSchema),
  };
}

/** Renders the proto3 file of the `Platform` gRPC service: one rpc per action, messages from the zod schemas. */
export function renderPlatformProto(actions: readonly ActionDef[]): string {
  const methods = new Map<string, string>();
  for (const action of actions) {
    const method = grpcMethodName(action);
    const clash = methods.get(method);
    if (clash !== undefined) throw new Error(`actions ${clash} and ${action.name} both map to rpc ${method}`);
    methods.set(method, action.name);
  }

  const messages = actions.flatMap((action) => {
    const { request, response } = actionProtoMessages(action);
    return [request, response];
  });
  const usesStruct = messages.some(usesWellKnown);

  const lines = [
    '// Generated from the Powernode action table (libs/contracts/src/actions). DO NOT EDIT.',
    `// Regenerate with: ${PLATFORM_PROTO_REGENERATE}`,
    'syntax = "proto3";',
    '',
    `package ${PLATFORM_PROTO_PACKAGE};`,
    '',
    ...(usesStruct ? ['import "google/protobuf/struct.proto";', ''] : []),
    '// Every operator action. Authenticate with `authorization: Bearer <token>` metadata.',
    `service ${PLATFORM_PROTO_SERVICE} {`,
    ...actions.flatMap((action, i) => [
      ...(i > 0 ? [''] : []),
      ...comment(`${action.description}\nPermission: ${action.permission}.`, '  '),
      `  rpc ${grpcMethodName(action)}(${grpcRequestType(action)}) returns (${action.streaming ? 'stream ' : ''}${grpcResponseType(action)});`,
    ]),
    '}',
    ...messages.flatMap((m) => ['', ...renderMessage(m, '')]),
  ];
  return `${lines.join('\n')}\n`;
}

function renderMessage(msg: ProtoMessage, indent: string): string[] {
  if (msg.fields.length === 0 && msg.nested.length === 0) return [`${indent}message ${msg.name} {}`];
  const inner = `${indent}  `;
  return [
    `${indent}message ${msg.name} {`,
    ...msg.nested.flatMap((n) => [...renderMessage(n, inner), '']),
    ...msg.fields.flatMap((f) => [
      ...(f.description !== undefined ? comment(f.description, inner) : []),
      `${inner}${f.label !== undefined ? `${f.label} ` : ''}${f.type} ${f.name} = ${f.number};`,
    ]),
    `${indent}}`,
  ];
}

function comment(text: string, indent: string): string[] {
  return text.split('\n').map((line) => `${indent}//${line.length > 0 ? ` ${line}` : ''}`);
}

function usesWellKnown(msg: ProtoMessage): boolean {
  return msg.fields.some((f) => f.type === PROTO_STRUCT || f.type === PROTO_VALUE || f.type === PROTO_LIST_VALUE) || msg.nested.some(usesWellKnown);
}
