// The four front doors of one test platform, each call reduced to one comparable outcome: the HTTP status (or gRPC
// status, or MCP tool error) and the stable platform error code it carried.
import { Client as GrpcClient, credentials, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ERROR_CODES, PLATFORM_GRPC_SERVICE, type ErrorCode } from '@powernode/contracts';
import { ERROR_CODE_METADATA } from '../../../apps/gateway/src/grpc/index.js';
import { PlatformGrpcClient } from '../../../apps/gateway/src/testing/grpc-client.js';
import { postAction, type TestGateway } from '../../../apps/gateway/src/testing/test-gateway.js';
import { agentRequest, type AgentTls } from '../../../apps/handshake/src/testing/agent-client.js';

export type Door = 'http' | 'grpc' | 'mcp' | 'agent';

/** What a door answered: `via` says which status space `status` is in. */
export interface Outcome {
  via: 'http' | 'grpc' | 'mcp-tool';
  /** HTTP status, gRPC status code, or for MCP tool calls 1 when `isError` (0 otherwise). */
  status: number;
  code: string | undefined;
  body: unknown;
}

/** The status a door must answer `code` with, from the one table in libs/contracts. */
export function statusOf(via: Outcome['via'], code: ErrorCode): number {
  return via === 'http' ? ERROR_CODES[code].http : via === 'grpc' ? ERROR_CODES[code].grpc : 1;
}

/** The `code` of a platform error body, if the body is one. */
const codeOf = (body: unknown): string | undefined => (typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string' ? (body as { code: string }).code : undefined);

const fromHttp = (res: { status: number; body: unknown }): Outcome => ({ via: 'http', status: res.status, code: codeOf(res.body), body: res.body });

export class Doors {
  private readonly grpcClient: PlatformGrpcClient;
  /** A generic client, for bytes the generated client would never send. */
  private readonly rawGrpc: GrpcClient;
  private readonly mcpClients = new Map<string, McpClient>();

  constructor(
    readonly gateway: TestGateway,
    readonly handshakeUrl: string,
  ) {
    this.grpcClient = new PlatformGrpcClient(gateway.grpcAddress);
    this.rawGrpc = new GrpcClient(gateway.grpcAddress, credentials.createInsecure());
  }

  /** `POST /api/v1/actions/<name>` with a JSON body. */
  async http(name: string, body: unknown, token?: string, headers: Record<string, string> = {}): Promise<Outcome> {
    return fromHttp(await postAction(this.gateway, name, body, token, headers));
  }

  /** A POST with the body exactly as given (malformed JSON, oversized bodies) to a gateway path. */
  async httpRaw(path: string, body: string | Buffer, token?: string, headers: Record<string, string> = {}): Promise<Outcome> {
    const res = await fetch(`${this.gateway.httpUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // kept as text: the assertion shows it
    }
    return fromHttp({ status: res.status, body: parsed });
  }

  /** A unary action through the generated gRPC client. */
  async grpc(action: string, input: object, token: string | null, extra: Record<string, string> = {}): Promise<Outcome> {
    try {
      const output = await this.grpcClient.call(action, input, PlatformGrpcClient.metadata(token, extra));
      return { via: 'grpc', status: 0, code: undefined, body: output };
    } catch (error) {
      if (isServiceError(error)) return fromGrpc(error);
      throw error;
    }
  }

  /** A unary call of `method` of the platform service with `bytes` as the serialized request. */
  grpcRaw(method: string, bytes: Buffer, token: string | null): Promise<Outcome> {
    const md: Metadata = PlatformGrpcClient.metadata(token);
    return new Promise((resolve) => {
      this.rawGrpc.makeUnaryRequest<Buffer, Buffer>(
        `/${PLATFORM_GRPC_SERVICE}/${method}`,
        (b) => b,
        (b) => b,
        bytes,
        md,
        (error, response) => resolve(error ? fromGrpc(error) : { via: 'grpc', status: 0, code: undefined, body: response?.toString('hex') }),
      );
    });
  }

  /** An MCP tool call as the holder of `token`. */
  async mcp(token: string, name: string, args: Record<string, unknown>): Promise<Outcome> {
    const result = await (await this.mcpClient(token)).callTool({ name, arguments: args });
    const text = (result.content as { type: string; text?: string }[])[0]?.text ?? '';
    const body: unknown = result.isError ? JSON.parse(text) : (result.structuredContent ?? text);
    return { via: 'mcp-tool', status: result.isError ? 1 : 0, code: result.isError ? codeOf(body) : undefined, body };
  }

  /** One agent request to the handshake service (a Buffer body is sent as it is). */
  async agent(path: string, tls: AgentTls, body?: unknown, method?: string): Promise<Outcome> {
    return fromHttp(await agentRequest(this.handshakeUrl, path, tls, body, method));
  }

  async close(): Promise<void> {
    for (const client of this.mcpClients.values()) await client.close();
    this.grpcClient.close();
    this.rawGrpc.close();
  }

  private async mcpClient(token: string): Promise<McpClient> {
    let client = this.mcpClients.get(token);
    if (!client) {
      client = new McpClient({ name: 'bad-input', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${this.gateway.httpUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      this.mcpClients.set(token, client);
    }
    return client;
  }
}

function fromGrpc(error: ServiceError): Outcome {
  const [code] = error.metadata?.get(ERROR_CODE_METADATA) ?? [];
  return { via: 'grpc', status: error.code, code: typeof code === 'string' ? code : undefined, body: error.details };
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && (error as Partial<ServiceError>).metadata !== undefined;
}
