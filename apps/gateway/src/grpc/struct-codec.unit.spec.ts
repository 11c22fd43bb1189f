import { jsonToStruct, jsonToValue, listValueToJson, structToJson, valueToJson, type Json, type ValueMessage } from './struct-codec.js';

describe('struct-codec', () => {
  const json: { [key: string]: Json } = {
    s: 'text',
    n: 1.5,
    zero: 0,
    f: false,
    nil: null,
    list: [1, 'two', null, true, { deep: [] }],
    obj: { a: { b: {} } },
    empty: '',
  };

  it('round-trips JSON through Struct', () => {
    expect(structToJson(jsonToStruct(json))).toEqual(json);
  });

  it('encodes each JSON type as its Value member', () => {
    expect(jsonToValue('x')).toEqual({ stringValue: 'x' });
    expect(jsonToValue(2)).toEqual({ numberValue: 2 });
    expect(jsonToValue(true)).toEqual({ boolValue: true });
    expect(jsonToValue(null)).toEqual({ nullValue: 'NULL_VALUE' });
    expect(jsonToValue([1])).toEqual({ listValue: { values: [{ numberValue: 1 }] } });
    expect(jsonToValue({ a: 1 })).toEqual({ structValue: { fields: { a: { numberValue: 1 } } } });
  });

  it('drops undefined keys and honours toJSON, like JSON.stringify', () => {
    const at = new Date('2024-01-02T03:04:05.000Z');
    expect(structToJson(jsonToStruct({ a: undefined, at }))).toEqual({ at: '2024-01-02T03:04:05.000Z' });
    expect(valueToJson(jsonToValue([undefined]))).toEqual([null]);
  });

  it('decodes by the oneof `kind` proto-loader sets, including zero values', () => {
    const decoded: ValueMessage[] = [
      { numberValue: 0, kind: 'numberValue' },
      { boolValue: false, kind: 'boolValue' },
      { stringValue: '', kind: 'stringValue' },
      { nullValue: 'NULL_VALUE', kind: 'nullValue' },
      { structValue: {}, kind: 'structValue' },
      { listValue: {}, kind: 'listValue' },
    ];
    expect(decoded.map(valueToJson)).toEqual([0, false, '', null, {}, []]);
  });

  it('decodes without `kind` by the member present, and an empty Value as null', () => {
    expect(valueToJson({ stringValue: 'x' })).toBe('x');
    expect(valueToJson({})).toBeNull();
    expect(valueToJson(undefined)).toBeNull();
    expect(structToJson({})).toEqual({});
    expect(listValueToJson(undefined)).toEqual([]);
  });

  it('refuses a non-object as Struct', () => {
    expect(() => jsonToStruct([1])).toThrow(TypeError);
    expect(() => jsonToStruct('x')).toThrow(TypeError);
  });
});
