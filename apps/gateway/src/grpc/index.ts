export { GrpcActionsTransport, GRPC_ACTIONS_TRANSPORT, type GrpcActionsTransportOptions, type GrpcActionsStatus } from './grpc-actions.transport.js';
export { ERROR_CODE_METADATA, ERROR_DETAILS_METADATA, toGrpcError } from './grpc-errors.js';
export { PLATFORM_PROTO_LOADER_OPTIONS, loadPlatformPackageDefinition } from './platform-proto-loader.js';
export { jsonToMessage, messageToJson } from './message-codec.js';
export * from './struct-codec.js';
