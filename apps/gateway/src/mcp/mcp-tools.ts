import { PlatformError, actionJsonSchema, type ActionDef } from '@powernode/contracts';
import { toErrorBody, type Logger } from '@powernode/service-kit';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ActionInvoker, CallContext, Caller } from '../actions/action-invoker.js';

type ObjectJsonSchema = { type: 'object'; [key: string]: unknown };

function objectSchema(schema: ActionDef['input'], io: 'input' | 'output'): ObjectJsonSchema {
  return { ...actionJsonSchema(schema, io), type: 'object' };
}

/** One MCP tool per unary action, named exactly as the action (streaming actions have no MCP form). */
export function toolsOf(actions: readonly ActionDef[]): Tool[] {
  return actions
    .filter((a) => !a.streaming)
    .map((a) => ({
      name: a.name,
      description: `${a.description} (permission: ${a.permission})`,
      inputSchema: objectSchema(a.input, 'input'),
      outputSchema: objectSchema(a.output, 'output'),
      annotations: { readOnlyHint: !a.mutating },
    }));
}

/** Runs a tool call; platform errors become MCP tool errors carrying the same stable code. */
export async function callTool(
  invoker: ActionInvoker,
  caller: Caller,
  name: string,
  args: unknown,
  context: CallContext,
  logger: Logger,
): Promise<CallToolResult> {
  try {
    const output = (await invoker.invoke(name, args, caller, context)) as Record<string, unknown>;
    return { content: [{ type: 'text', text: JSON.stringify(output) }], structuredContent: output };
  } catch (error) {
    const body = toErrorBody(error);
    if (!(error instanceof PlatformError)) logger.error({ err: error, errorId: body.details?.errorId }, 'tool call failed');
    return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }], _meta: { 'powernode/error': body } };
  }
}
