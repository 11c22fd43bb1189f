import { z } from 'zod';
import { defineAction } from '../actions/action.js';
import { messageFromJsonSchema, type JsonSchema, type ProtoMessage } from './json-schema-to-proto.js';
import { grpcMethodName } from './proto-names.js';
import { renderPlatformProto } from './render-platform-proto.js';

function sut(schema: z.ZodType, io: 'input' | 'output' = 'output'): ProtoMessage {
  return messageFromJsonSchema('M', z.toJSONSchema(schema, { io }) as JsonSchema);
}

/** `label type name = n` for each field, in order. */
function fieldsOf(msg: ProtoMessage): string[] {
  return msg.fields.map((f) => `${f.label ? `${f.label} ` : ''}${f.type} ${f.name} = ${f.number}`);
}

describe(messageFromJsonSchema.name, () => {
  it('maps scalars and numbers fields in property order', () => {
    const msg = sut(z.object({ s: z.string(), e: z.enum(['a', 'b']), i: z.number().int(), d: z.number(), b: z.boolean(), l: z.literal('x') }));
    expect(fieldsOf(msg)).toEqual(['string s = 1', 'string e = 2', 'int64 i = 3', 'double d = 4', 'bool b = 5', 'string l = 6']);
  });

  it('marks scalars outside `required` as proto3 optional, and input defaults as optional', () => {
    const schema = z.object({ a: z.string().optional(), n: z.number().int().default(5), r: z.boolean() });
    expect(fieldsOf(sut(schema, 'input'))).toEqual(['optional string a = 1', 'optional int64 n = 2', 'bool r = 3']);
    expect(fieldsOf(sut(schema, 'output'))).toEqual(['optional string a = 1', 'int64 n = 2', 'bool r = 3']);
    expect(sut(schema, 'input').fields.map((f) => f.required)).toEqual([false, false, true]);
  });

  it('turns a nested object into a nested message', () => {
    const msg = sut(z.object({ owner_account: z.object({ id: z.string(), tags: z.array(z.string()) }) }));
    expect(fieldsOf(msg)).toEqual(['OwnerAccount owner_account = 1']);
    expect(msg.nested).toHaveLength(1);
    expect(msg.nested[0]!.name).toBe('OwnerAccount');
    expect(fieldsOf(msg.nested[0]!)).toEqual(['string id = 1', 'repeated string tags = 2']);
  });

  it('turns an array of objects into a repeated nested message with a singular name', () => {
    const msg = sut(z.object({ services: z.array(z.object({ name: z.string() })), status: z.array(z.object({ ok: z.boolean() })) }));
    expect(fieldsOf(msg)).toEqual(['repeated Service services = 1', 'repeated StatusItem status = 2']);
    expect(msg.nested.map((n) => n.name)).toEqual(['Service', 'StatusItem']);
  });

  it('maps records and loose objects to Struct, and open-ended values to Value', () => {
    const msg = sut(
      z.object({
        rec: z.record(z.string(), z.unknown()),
        loose: z.looseObject({ a: z.string() }),
        any: z.unknown(),
        union: z.union([z.string(), z.number()]),
        nullable: z.string().nullable(),
        objects: z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]),
        recs: z.array(z.record(z.string(), z.string())),
        matrix: z.array(z.array(z.number())),
      }),
    );
    expect(fieldsOf(msg)).toEqual([
      'google.protobuf.Struct rec = 1',
      'google.protobuf.Struct loose = 2',
      'google.protobuf.Value any = 3',
      'google.protobuf.Value union = 4',
      'google.protobuf.Value nullable = 5',
      'google.protobuf.Struct objects = 6',
      'repeated google.protobuf.Struct recs = 7',
      'google.protobuf.ListValue matrix = 8',
    ]);
  });

  it('degrades recursive schemas to Struct instead of looping', () => {
    interface Node {
      name: string;
      children: Node[];
    }
    const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(node) }));
    const msg = sut(z.object({ root: node }));
    expect(fieldsOf(msg)).toEqual(['Root root = 1']);
    expect(fieldsOf(msg.nested[0]!)).toEqual(['string name = 1', 'repeated google.protobuf.Struct children = 2']);
  });

  it('rejects property names proto cannot carry', () => {
    expect(() => sut(z.object({ 'not-valid': z.string() }))).toThrow(/not a valid proto field name/);
  });
});

describe(renderPlatformProto.name, () => {
  const ping = defineAction({
    name: 'test_ping',
    description: 'Ping.\nTwo lines.',
    service: 'gateway',
    permission: 'system.platform_read',
    mutating: false,
    input: z.object({ note: z.string().optional() }),
    output: z.object({ meta: z.record(z.string(), z.unknown()) }),
  });
  const tail = defineAction({ ...ping, name: 'test_tail', streaming: true, output: z.object({ n: z.number().int() }) });

  it('renders one rpc per action, streaming ones with `stream`, and imports struct.proto only when used', () => {
    const proto = renderPlatformProto([ping, tail]);
    expect(proto).toContain('package powernode.platform.v1;');
    expect(proto).toContain('import "google/protobuf/struct.proto";');
    expect(proto).toContain('  // Ping.\n  // Two lines.\n  // Permission: system.platform_read.\n  rpc TestPing(TestPingRequest) returns (TestPingResponse);');
    expect(proto).toContain('  rpc TestTail(TestTailRequest) returns (stream TestTailResponse);');
    expect(proto).toContain('message TestTailResponse {\n  int64 n = 1;\n}');
    expect(renderPlatformProto([tail])).not.toContain('import');
  });

  it('refuses two actions that map to the same rpc name', () => {
    expect(() => renderPlatformProto([ping, { ...ping, name: 'test__ping' }])).toThrow(/both map to rpc TestPing/);
  });

  it('names methods in PascalCase', () => {
    expect(grpcMethodName({ name: 'recent_events' })).toBe('RecentEvents');
    expect(grpcMethodName({ name: 'system_sdwan_attach_peer' })).toBe('SystemSdwanAttachPeer');
  });
});
