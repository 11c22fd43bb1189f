/**
 * JSON ⇄ google.protobuf.Struct / Value / ListValue, in the object shape @grpc/proto-loader
 * (de)serializes (protobufjs names these fields in camelCase: `numberValue`, `structValue`, ...).
 */

export interface ValueMessage {
  nullValue?: 'NULL_VALUE' | 0;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: StructMessage;
  listValue?: ListValueMessage;
  /** Set by proto-loader's `oneofs: true` on decode: which member of the oneof is present. */
  kind?: string;
}
export interface StructMessage {
  fields?: Record<string, ValueMessage>;
}
export interface ListValueMessage {
  values?: ValueMessage[];
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Any JSON-able value → Value (`undefined` becomes null, as JSON.stringify does in arrays). */
export function jsonToValue(value: unknown): ValueMessage {
  const json = toJsonable(value);
  if (json === null || json === undefined) return { nullValue: 'NULL_VALUE' };
  switch (typeof json) {
    case 'number':
      return { numberValue: json };
    case 'bigint':
      return { numberValue: Number(json) };
    case 'string':
      return { stringValue: json };
    case 'boolean':
      return { boolValue: json };
    case 'object':
      return Array.isArray(json) ? { listValue: jsonToListValue(json) } : { structValue: jsonToStruct(json) };
    default:
      // functions and symbols are not JSON; drop them the way JSON.stringify does.
      return { nullValue: 'NULL_VALUE' };
  }
}

/** A plain object → Struct; keys whose value is `undefined` are dropped. */
export function jsonToStruct(value: unknown): StructMessage {
  const json = toJsonable(value);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new TypeError('a google.protobuf.Struct needs a JSON object');
  const fields: Record<string, ValueMessage> = {};
  for (const [key, item] of Object.entries(json as Record<string, unknown>)) {
    if (item !== undefined && typeof item !== 'function' && typeof item !== 'symbol') fields[key] = jsonToValue(item);
  }
  return { fields };
}

/** An array → ListValue. */
export function jsonToListValue(value: readonly unknown[]): ListValueMessage {
  return { values: value.map(jsonToValue) };
}

/** Value → JSON. A Value with no member set reads as null. */
export function valueToJson(value: ValueMessage | null | undefined): Json {
  if (value === null || value === undefined) return null;
  switch (value.kind ?? presentMember(value)) {
    case 'numberValue':
      return value.numberValue ?? 0;
    case 'stringValue':
      return value.stringValue ?? '';
    case 'boolValue':
      return value.boolValue ?? false;
    case 'structValue':
      return structToJson(value.structValue);
    case 'listValue':
      return listValueToJson(value.listValue);
    default:
      return null;
  }
}

/** Struct → plain object. */
export function structToJson(struct: StructMessage | null | undefined): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(struct?.fields ?? {})) out[key] = valueToJson(value);
  return out;
}

/** ListValue → array. */
export function listValueToJson(list: ListValueMessage | null | undefined): Json[] {
  return (list?.values ?? []).map(valueToJson);
}

const MEMBERS = ['nullValue', 'numberValue', 'stringValue', 'boolValue', 'structValue', 'listValue'] as const;

function presentMember(value: ValueMessage): string | undefined {
  return MEMBERS.find((m) => value[m] !== undefined && value[m] !== null);
}

/** Honours `toJSON` (e.g. Date) the way JSON.stringify would. */
function toJsonable(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON: () => unknown }).toJSON();
  }
  return value;
}
