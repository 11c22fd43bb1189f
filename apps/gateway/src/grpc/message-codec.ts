/**
 * Plain JSON ⇄ proto-loader message objects, driven by the same `ProtoMessage` tree the proto was
 * rendered from (so codec and proto cannot drift).
 */
import { PROTO_LIST_VALUE, PROTO_STRUCT, PROTO_VALUE, type ProtoField, type ProtoMessage } from '@powernode/contracts';
import { jsonToListValue, jsonToStruct, jsonToValue, listValueToJson, structToJson, valueToJson, type ListValueMessage, type StructMessage, type ValueMessage } from './struct-codec.js';

type Obj = Record<string, unknown>;

const ZERO: Record<string, unknown> = { string: '', int64: 0, double: 0, bool: false };

/**
 * Decoded message → JSON. Proto3 cannot tell an unset required scalar from its zero value, so
 * those read as zero; unset optionals and empty optional arrays are dropped (zod applies defaults).
 */
export function messageToJson(msg: ProtoMessage, raw: unknown): Obj {
  const source = isObject(raw) ? raw : {};
  const out: Obj = {};
  for (const field of msg.fields) {
    const value = source[field.name];
    if (field.label === 'repeated') {
      const items = Array.isArray(value) ? value : [];
      if (items.length > 0 || field.required) out[field.name] = items.map((item) => decodeOne(msg, field, item));
    } else if (value !== undefined && value !== null) {
      out[field.name] = decodeOne(msg, field, value);
    } else if (field.required && field.type in ZERO) {
      out[field.name] = ZERO[field.type];
    }
  }
  return out;
}

/** JSON → message object for proto-loader to serialize; keys the message does not declare are left out. */
export function jsonToMessage(msg: ProtoMessage, json: unknown): Obj {
  if (!isObject(json)) throw new TypeError(`${msg.name}: expected a JSON object, got ${json === null ? 'null' : typeof json}`);
  const out: Obj = {};
  for (const field of msg.fields) {
    const value = json[field.name];
    if (value === undefined || (value === null && field.type !== PROTO_VALUE)) continue;
    if (field.label === 'repeated') {
      if (!Array.isArray(value)) throw new TypeError(`${msg.name}.${field.name}: expected an array`);
      out[field.name] = value.map((item) => encodeOne(msg, field, item));
    } else {
      out[field.name] = encodeOne(msg, field, value);
    }
  }
  return out;
}

function decodeOne(msg: ProtoMessage, field: ProtoField, value: unknown): unknown {
  switch (field.type) {
    case PROTO_STRUCT:
      return structToJson(value as StructMessage);
    case PROTO_VALUE:
      return valueToJson(value as ValueMessage);
    case PROTO_LIST_VALUE:
      return listValueToJson(value as ListValueMessage);
    case 'int64':
    case 'double':
      return typeof value === 'number' ? value : Number(value);
    case 'string':
    case 'bool':
      return value;
    default:
      return messageToJson(nestedOf(msg, field), value);
  }
}

function encodeOne(msg: ProtoMessage, field: ProtoField, value: unknown): unknown {
  switch (field.type) {
    case PROTO_STRUCT:
      return jsonToStruct(value);
    case PROTO_VALUE:
      return jsonToValue(value);
    case PROTO_LIST_VALUE:
      if (!Array.isArray(value)) throw new TypeError(`${msg.name}.${field.name}: expected an array`);
      return jsonToListValue(value);
    case 'string':
    case 'int64':
    case 'double':
    case 'bool':
      return value;
    default:
      return jsonToMessage(nestedOf(msg, field), value);
  }
}

function nestedOf(msg: ProtoMessage, field: ProtoField): ProtoMessage {
  const nested = msg.nested.find((n) => n.name === field.type);
  if (nested === undefined) throw new Error(`${msg.name}.${field.name}: unknown type ${field.type}`);
  return nested;
}

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
