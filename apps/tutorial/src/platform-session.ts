import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { messageOf } from './errors.js';
import type { Printer } from './printer.js';

/** One MCP call as the tutorial made it. */
export interface CallRecord {
  step: string;
  tool: string;
  args: Record<string, unknown>;
  answer: unknown;
  ms: number;
}

/** A tool that answered with an error. */
export class ToolError extends Error {
  constructor(
    readonly tool: string,
    readonly content: unknown,
  ) {
    super(`${tool} failed: ${JSON.stringify(content)}`);
  }
}

/** The gateway's MCP endpoint (`<url>/mcp`) as the operator holding `token`; prints and records every call. */
export class PlatformSession {
  readonly calls: CallRecord[] = [];
  step = '';

  private constructor(
    private readonly client: Client,
    private readonly printer: Printer,
  ) {}

  static async connect(url: string, token: string, printer: Printer): Promise<PlatformSession> {
    const client = new Client({ name: 'powernode-tutorial', version: '1' });
    const endpoint = new URL('mcp', url.endsWith('/') ? url : `${url}/`);
    try {
      await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    } catch (error) {
      throw new Error(`cannot reach the gateway's MCP endpoint ${endpoint.href} (is npm start running? is the token right?): ${messageOf(error)}`);
    }
    return new PlatformSession(client, printer);
  }

  /** Calls a tool, printing the call and its (abridged) answer; a tool error throws ToolError. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each tool has its own output shape; the steps read what they need
  async call(tool: string, args: Record<string, unknown> = {}, options: { quiet?: boolean; show?: (answer: any) => unknown } = {}): Promise<any> {
    const started = Date.now();
    if (!options.quiet) this.printer.call(tool, args);
    const answer = await this.raw(tool, args);
    const ms = Date.now() - started;
    if (!options.quiet) this.printer.answer(options.show ? options.show(answer) : answer, ms);
    this.calls.push({ step: this.step, tool, args, answer, ms });
    return answer;
  }

  /** A call that is neither printed nor recorded (polling). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as call()
  async raw(tool: string, args: Record<string, unknown> = {}): Promise<any> {
    const result = await this.client.callTool({ name: tool, arguments: args });
    if (result.isError) throw new ToolError(tool, result.content);
    return result.structuredContent;
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}
