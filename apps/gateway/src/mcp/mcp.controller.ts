import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { ACTIONS } from '@powernode/contracts';
import type { Logger } from '@powernode/service-kit';
import type { Request, Response } from 'express';
import { ActionInvoker, type Caller } from '../actions/action-invoker.js';
import { callContextOf } from '../http/request-context.js';
import { GATEWAY_VERSION } from '../runtime.js';
import { LOGGER } from '../tokens.js';
import { callTool, toolsOf } from './mcp-tools.js';

/**
 * MCP over streamable HTTP at `/mcp`, server name `platform`. Stateless: each POST gets a fresh
 * server bound to the caller its bearer token resolved to, so no session outlives its token.
 */
@Controller('mcp')
export class McpController {
  private readonly tools = toolsOf(ACTIONS);

  constructor(
    @Inject(ActionInvoker) private readonly invoker: ActionInvoker,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @All()
  async handle(@Req() req: Request, @Res() res: Response): Promise<void> {
    const caller = await this.invoker.authenticate(req.header('authorization'));
    if (req.method !== 'POST') {
      res.status(405).set('allow', 'POST').json({ code: 'InvalidInput', message: 'this MCP endpoint is stateless: POST only' });
      return;
    }
    const server = this.serverFor(caller, req);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  }

  private serverFor(caller: Caller, req: Request): Server {
    const server = new Server({ name: 'platform', version: GATEWAY_VERSION }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.tools }));
    server.setRequestHandler(CallToolRequestSchema, (request) =>
      callTool(this.invoker, caller, request.params.name, request.params.arguments ?? {}, callContextOf(req), this.logger),
    );
    return server;
  }
}
