import { join } from 'node:path';
import { Metadata, credentials, loadPackageDefinition, type Client, type ClientReadableStream, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { actionProtoMessages, findAction, grpcMethodName } from '@powernode/contracts';
import { PLATFORM_PROTO_LOADER_OPTIONS, jsonToMessage, messageToJson } from '../grpc/index.js';

type Unary = (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: Record<string, unknown>) => void) => void;
type ServerStream = (request: object, metadata: Metadata) => ClientReadableStream<Record<string, unknown>>;

/** A gRPC client built from the committed proto, as an operator's tooling would build it; JSON in and out. */
export class PlatformGrpcClient {
  private readonly client: Client & Record<string, unknown>;

  constructor(address: string) {
    const definition = loadSync(join(process.cwd(), 'libs/contracts/proto/platform.proto'), PLATFORM_PROTO_LOADER_OPTIONS);
    const Platform = loadPackageDefinition(definition)['powernode']!['platform' as never]['v1' as never]['Platform' as never] as unknown as ServiceClientConstructor;
    this.client = new Platform(address, credentials.createInsecure()) as Client & Record<string, unknown>;
  }

  static metadata(token: string | null, extra: Record<string, string> = {}): Metadata {
    const md = new Metadata();
    if (token !== null) md.set('authorization', `Bearer ${token}`);
    for (const [key, value] of Object.entries(extra)) md.set(key, value);
    return md;
  }

  async call(action: string, input: object, md: Metadata): Promise<Record<string, unknown>> {
    const { request, response } = actionProtoMessages(findAction(action)!);
    const method = (this.client[grpcMethodName({ name: action })] as Unary).bind(this.client);
    const raw = await new Promise<Record<string, unknown>>((resolve, reject) =>
      method(jsonToMessage(request, input), md, (error, res) => (error ? reject(error) : resolve(res))),
    );
    return messageToJson(response, raw);
  }

  /** The error a call fails with; throws if it succeeds. */
  async callError(action: string, input: object, md: Metadata): Promise<ServiceError> {
    return this.call(action, input, md).then(
      () => {
        throw new Error(`${action} unexpectedly succeeded`);
      },
      (error: ServiceError) => error,
    );
  }

  /** Starts a server stream; `items` receives each decoded item. */
  stream(action: string, input: object, md: Metadata, onItem: (item: Record<string, unknown>) => void): ClientReadableStream<Record<string, unknown>> {
    const { request, response } = actionProtoMessages(findAction(action)!);
    const method = (this.client[grpcMethodName({ name: action })] as ServerStream).bind(this.client);
    const call = method(jsonToMessage(request, input), md);
    call.on('data', (raw: Record<string, unknown>) => onItem(messageToJson(response, raw)));
    return call;
  }

  close(): void {
    this.client.close();
  }
}
