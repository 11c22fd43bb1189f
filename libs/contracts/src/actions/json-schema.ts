import { z } from 'zod';

export type JsonSchemaObject = Record<string, unknown>;

/**
 * The JSON Schema of an action's input or output, as OpenAPI, MCP and the proto generator all read
 * it: zod's draft 2020-12 rendering without the `$schema` marker.
 */
export function actionJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchemaObject {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchemaObject;
  return rest;
}
