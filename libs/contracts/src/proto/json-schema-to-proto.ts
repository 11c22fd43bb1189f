/**
 * Maps the JSON Schema zod v4 emits (`z.toJSONSchema`) to proto3 message definitions.
 * Pure and deterministic: field numbers follow property order.
 */
import { pascalCase } from './proto-names.js';

/** The subset of JSON Schema that `z.toJSONSchema` produces and this mapping reads. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  description?: string;
}

export const PROTO_STRUCT = 'google.protobuf.Struct';
export const PROTO_VALUE = 'google.protobuf.Value';
export const PROTO_LIST_VALUE = 'google.protobuf.ListValue';

export interface ProtoField {
  name: string;
  number: number;
  label: 'optional' | 'repeated' | undefined;
  /** Scalar, well-known (`google.protobuf.*`) or the name of a message nested in the parent. */
  type: string;
  /** In the schema's `required`; proto3 cannot say so, codecs use it to tell absent from empty. */
  required: boolean;
  description?: string;
}

export interface ProtoMessage {
  name: string;
  fields: ProtoField[];
  nested: ProtoMessage[];
}

type Scalar = 'string' | 'int64' | 'double' | 'bool';

/** What one schema node maps to, before it is placed in a field. */
type Mapped =
  | { kind: 'scalar'; type: Scalar }
  | { kind: 'message'; schema: JsonSchema }
  | { kind: 'wellKnown'; type: typeof PROTO_STRUCT | typeof PROTO_VALUE | typeof PROTO_LIST_VALUE };

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Builds the proto message for an object schema (the root of `z.toJSONSchema`). */
export function messageFromJsonSchema(name: string, root: JsonSchema): ProtoMessage {
  return new Mapper(root).message(name, root, []);
}

class Mapper {
  constructor(private readonly root: JsonSchema) {}

  message(name: string, schema: JsonSchema, refs: readonly string[]): ProtoMessage {
    const required = new Set(schema.required ?? []);
    const usedNested = new Set<string>();
    const msg: ProtoMessage = { name, fields: [], nested: [] };
    Object.entries(schema.properties ?? {}).forEach(([fieldName, raw], index) => {
      if (!FIELD_NAME.test(fieldName)) throw new Error(`${name}: "${fieldName}" is not a valid proto field name`);
      const { schema: prop, refs: propRefs } = this.resolve(raw, refs);
      const field: ProtoField = { name: fieldName, number: index + 1, label: undefined, type: '', required: required.has(fieldName) };
      if (prop.description !== undefined) field.description = prop.description;
      const mapped = this.map(prop, propRefs);
      if (mapped.kind === 'scalar') {
        field.type = mapped.type;
        if (!field.required) field.label = 'optional';
      } else if (mapped.kind === 'wellKnown') {
        field.type = mapped.type;
      } else if (isArray(prop)) {
        field.label = 'repeated';
        const item = this.itemOf(prop, propRefs);
        if (item.mapped.kind === 'message') {
          field.type = uniqueName(singular(pascalCase(fieldName)), usedNested);
          msg.nested.push(this.message(field.type, item.mapped.schema, item.refs));
        } else {
          field.type = item.mapped.type;
        }
      } else {
        field.type = uniqueName(pascalCase(fieldName), usedNested);
        msg.nested.push(this.message(field.type, mapped.schema, propRefs));
      }
      msg.fields.push(field);
    });
    return msg;
  }

  /** Maps a node; arrays come back as `message` with the array schema and are unpacked by the caller. */
  private map(schema: JsonSchema, refs: readonly string[]): Mapped {
    if (refs.length > 0 && refs.indexOf(refs[refs.length - 1]!) < refs.length - 1) return openEnded(schema);
    const types = typesOf(schema);
    if (types === undefined) {
      const branches = schema.anyOf ?? schema.oneOf;
      if (branches !== undefined) return this.mapUnion(branches, refs);
      if (schema.allOf !== undefined) return schema.allOf.some((s) => typesOf(s)?.[0] === 'object') ? wk(PROTO_STRUCT) : wk(PROTO_VALUE);
      return wk(PROTO_VALUE);
    }
    if (types.length !== 1) return openEnded(schema);
    switch (types[0]) {
      case 'string':
        return { kind: 'scalar', type: 'string' };
      case 'integer':
        return { kind: 'scalar', type: 'int64' };
      case 'number':
        return { kind: 'scalar', type: 'double' };
      case 'boolean':
        return { kind: 'scalar', type: 'bool' };
      case 'array': {
        // repeated cannot nest: an array of arrays (or a tuple) travels as a ListValue.
        if (schema.prefixItems !== undefined || Array.isArray(schema.items)) return wk(PROTO_LIST_VALUE);
        const item = this.itemOf(schema, refs);
        return isArray(item.schema) ? wk(PROTO_LIST_VALUE) : { kind: 'message', schema };
      }
      case 'object':
        return isClosedObject(schema) ? { kind: 'message', schema } : wk(PROTO_STRUCT);
      default:
        return wk(PROTO_VALUE);
    }
  }

  private mapUnion(branches: JsonSchema[], refs: readonly string[]): Mapped {
    const mapped = branches.map((b) => {
      const r = this.resolve(b, refs);
      return this.map(r.schema, r.refs);
    });
    const first = mapped[0];
    if (first?.kind === 'scalar' && mapped.every((m) => m.kind === 'scalar' && m.type === first.type)) return first;
    const allObjects = branches.every((b) => typesOf(this.resolve(b, refs).schema)?.join() === 'object');
    return allObjects ? wk(PROTO_STRUCT) : wk(PROTO_VALUE);
  }

  private itemOf(array: JsonSchema, refs: readonly string[]): { schema: JsonSchema; refs: readonly string[]; mapped: Mapped } {
    const items = Array.isArray(array.items) ? {} : (array.items ?? {});
    const resolved = this.resolve(items, refs);
    const mapped = this.map(resolved.schema, resolved.refs);
    return { ...resolved, mapped };
  }

  /** Follows `$ref`s into `$defs`, remembering the path so recursion degrades to Struct/Value. */
  private resolve(schema: JsonSchema, refs: readonly string[]): { schema: JsonSchema; refs: readonly string[] } {
    let current = schema;
    let path = refs;
    while (current.$ref !== undefined) {
      const ref = current.$ref;
      const target = this.lookup(ref);
      if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
      if (path.includes(ref)) return { schema: target, refs: [...path, ref] };
      path = [...path, ref];
      current = { ...target, ...(current.description !== undefined ? { description: current.description } : {}) };
    }
    return { schema: current, refs: path };
  }

  private lookup(ref: string): JsonSchema | undefined {
    if (ref === '#') return this.root;
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
    if (match === null) return undefined;
    return this.root[match[1] as '$defs' | 'definitions']?.[decodeURIComponent(match[2]!)];
  }
}

function wk(type: typeof PROTO_STRUCT | typeof PROTO_VALUE | typeof PROTO_LIST_VALUE): Mapped {
  return { kind: 'wellKnown', type };
}

function openEnded(schema: JsonSchema): Mapped {
  const types = typesOf(schema);
  return types?.length === 1 && types[0] === 'object' ? wk(PROTO_STRUCT) : wk(PROTO_VALUE);
}

/** The JSON types a node admits; `undefined` when it says nothing (unions, `{}`). */
function typesOf(schema: JsonSchema): string[] | undefined {
  if (schema.type !== undefined) return Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.enum !== undefined && schema.enum.length > 0) {
    const kinds = [...new Set(schema.enum.map(jsonTypeOf))];
    return kinds;
  }
  if ('const' in schema) return [jsonTypeOf(schema.const)];
  return undefined;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function isArray(schema: JsonSchema): boolean {
  const types = typesOf(schema);
  return types?.length === 1 && types[0] === 'array';
}

/** Objects with declared properties and no open-ended extra keys become messages; the rest are Structs. */
function isClosedObject(schema: JsonSchema): boolean {
  return schema.properties !== undefined && (schema.additionalProperties === undefined || schema.additionalProperties === false);
}

/** `events` → `Event`, `services` → `Service`; anything unclear gets an `Item` suffix. */
function singular(name: string): string {
  return /[^su]s$/.test(name) && !/(ss|us|is)$/.test(name) ? name.slice(0, -1) : `${name}Item`;
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let n = 2; used.has(candidate); n++) candidate = `${name}${n}`;
  used.add(candidate);
  return candidate;
}
