export * from './proto-names.js';
export { renderPlatformProto, actionProtoMessages, PLATFORM_PROTO_REGENERATE } from './render-platform-proto.js';
export { messageFromJsonSchema, PROTO_STRUCT, PROTO_VALUE, PROTO_LIST_VALUE, type JsonSchema, type ProtoMessage, type ProtoField } from './json-schema-to-proto.js';
