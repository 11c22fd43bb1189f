import { once } from 'node:events';
import { status, type Metadata, type ServerUnaryCall, type ServerWritableStream, type ServiceDefinition, type UntypedServiceImplementation, type sendUnaryData } from '@grpc/grpc-js';
import type { LoggerService } from '@nestjs/common';
import { PlatformError, actionProtoMessages, grpcMethodName, type ActionDef } from '@powernode/contracts';
import type { ActionInvoker, CallContext } from '../actions/action-invoker.js';
import { toGrpcError } from './grpc-errors.js';
import { jsonToMessage, messageToJson } from './message-codec.js';

export interface PlatformHandlerDeps {
  actions: readonly ActionDef[];
  invoker: ActionInvoker;
  logger: LoggerService;
  /** Aborts every open server stream when the transport shuts down. */
  shutdown: AbortSignal;
}

type Message = Record<string, unknown>;

/** Stands in for a request grpc-js could not decode, so the handler refuses it with InvalidInput. */
const UNDECODABLE = Symbol('undecodable request');

/**
 * The service definition with deserializers that never throw: grpc-js would answer a request it cannot decode with a
 * bare INTERNAL; the handler answers InvalidInput (with its trailer) instead.
 */
export function withTypedDecodeErrors(definition: ServiceDefinition): ServiceDefinition {
  const wrapped: Record<string, ServiceDefinition[string]> = {};
  for (const [name, method] of Object.entries(definition)) {
    wrapped[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch (error) {
          return { [UNDECODABLE]: error instanceof Error ? error.message : String(error) };
        }
      },
    };
  }
  return wrapped;
}

function decodedRequest(request: Message): Message {
  const reason = (request as Record<symbol, unknown>)[UNDECODABLE];
  if (reason !== undefined) throw new PlatformError('InvalidInput', `the request is not a valid protobuf message: ${String(reason)}`);
  return request;
}

/** One gRPC method per action. Each only decodes, delegates to the invoker and encodes (thin transport). */
export function createPlatformHandlers(deps: PlatformHandlerDeps): UntypedServiceImplementation {
  const handlers: UntypedServiceImplementation = {};
  for (const action of deps.actions) {
    handlers[grpcMethodName(action)] = action.streaming ? streamingHandler(action, deps) : unaryHandler(action, deps);
  }
  return handlers;
}

function unaryHandler(action: ActionDef, { invoker, logger }: PlatformHandlerDeps) {
  const messages = actionProtoMessages(action);
  return (call: ServerUnaryCall<Message, Message>, callback: sendUnaryData<Message>): void => {
    void (async () => {
      try {
        const caller = await invoker.authenticate(metadataValue(call.metadata, 'authorization'));
        const input = messageToJson(messages.request, decodedRequest(call.request));
        const output = await invoker.invoke(action.name, input, caller, callContextOf(call.metadata));
        callback(null, jsonToMessage(messages.response, output));
      } catch (error) {
        callback(toGrpcError(error, logger));
      }
    })();
  };
}

function streamingHandler(action: ActionDef, { invoker, logger, shutdown }: PlatformHandlerDeps) {
  const messages = actionProtoMessages(action);
  return (call: ServerWritableStream<Message, Message>): void => {
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    call.once('cancelled', stop);
    shutdown.addEventListener('abort', stop, { once: true });
    void (async () => {
      try {
        const caller = await invoker.authenticate(metadataValue(call.metadata, 'authorization'));
        const input = messageToJson(messages.request, decodedRequest(call.request));
        for await (const item of invoker.stream(action.name, input, caller, abort.signal, callContextOf(call.metadata))) {
          if (abort.signal.aborted) break;
          if (!call.write(jsonToMessage(messages.response, item))) await drained(call, abort.signal);
        }
        if (call.cancelled) return;
        if (shutdown.aborted) call.emit('error', { code: status.UNAVAILABLE, details: 'server shutting down' });
        else call.end();
      } catch (error) {
        if (!call.cancelled) call.emit('error', toGrpcError(error, logger));
      } finally {
        abort.abort();
        shutdown.removeEventListener('abort', stop);
      }
    })();
  };
}

/** Waits for the client to catch up, or for the call to end. */
async function drained(call: ServerWritableStream<Message, Message>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  try {
    await once(call, 'drain', { signal });
  } catch {
    // aborted: the loop notices on its next turn
  }
}

function metadataValue(metadata: Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}

function callContextOf(metadata: Metadata): CallContext {
  const context: CallContext = {};
  const traceparent = metadataValue(metadata, 'traceparent');
  const requestId = metadataValue(metadata, 'x-request-id');
  if (traceparent !== undefined) context.traceparent = traceparent;
  if (requestId !== undefined) context.requestId = requestId;
  return context;
}
