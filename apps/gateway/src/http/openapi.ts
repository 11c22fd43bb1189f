import { actionJsonSchema as schemaOf, type ActionDef, type JsonSchemaObject as JsonSchema } from '@powernode/contracts';

const errorBody: JsonSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
};

const errorResponses = {
  '400': { description: 'InvalidInput: the input failed its schema; details.issues names each field', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '401': { description: 'Unauthenticated: missing, unknown or revoked bearer token', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '403': { description: 'PermissionDenied: the token lacks the action\'s permission', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '413': { description: 'PayloadTooLarge: body over 1 MiB', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
};

/** The OpenAPI 3.1 document for the action table: one POST route per action. */
export function buildOpenApiDocument(actions: readonly ActionDef[], version: string): JsonSchema {
  const paths: JsonSchema = {};
  for (const action of actions) {
    const okContent = action.streaming
      ? { 'text/event-stream': { schema: { type: 'string', description: `SSE; each \`data:\` is ${action.name}'s item schema`, 'x-item-schema': schemaOf(action.output, 'output') } } }
      : { 'application/json': { schema: schemaOf(action.output, 'output') } };
    paths[`/api/v1/actions/${action.name}`] = {
      post: {
        operationId: action.name,
        summary: action.description,
        tags: [action.service],
        'x-permission': action.permission,
        security: [{ bearer: [] }],
        requestBody: { required: false, content: { 'application/json': { schema: schemaOf(action.input, 'input') } } },
        responses: { '200': { description: 'OK', content: okContent }, ...errorResponses },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Powernode operator API', version, description: 'Every action is also a gRPC method and an MCP tool of the same name.' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: { Error: errorBody } },
    paths,
  };
}
