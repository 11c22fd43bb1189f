import { z } from 'zod';
import { messageFromJsonSchema, type JsonSchema } from '@powernode/contracts';
import { jsonToMessage, messageToJson } from './message-codec.js';

const schema = z.object({
  name: z.string(),
  count: z.number().int(),
  ok: z.boolean(),
  note: z.string().optional(),
  tags: z.array(z.string()),
  extra: z.array(z.string()).optional(),
  meta: z.record(z.string(), z.unknown()),
  any: z.unknown(),
  owner: z.object({ id: z.string(), weight: z.number().optional() }),
  items: z.array(z.object({ id: z.string() })),
});
const sut = messageFromJsonSchema('M', z.toJSONSchema(schema, { io: 'output' }) as JsonSchema);

describe('message-codec', () => {
  it('round-trips JSON through the message shape, with Struct/Value for open-ended fields', () => {
    const json = { name: 'n', count: 3, ok: true, note: 'x', tags: ['a'], extra: ['e'], meta: { k: [1, { v: null }] }, any: 'v', owner: { id: 'o', weight: 0.5 }, items: [{ id: 'i' }] };
    const message = jsonToMessage(sut, json);
    expect(message['meta']).toEqual({ fields: { k: { listValue: { values: [{ numberValue: 1 }, { structValue: { fields: { v: { nullValue: 'NULL_VALUE' } } } }] } } } });
    expect(message['any']).toEqual({ stringValue: 'v' });
    expect(messageToJson(sut, message)).toEqual(json);
  });

  it('reads unset required scalars as zero values, required arrays as [], and drops unset optionals', () => {
    expect(messageToJson(sut, { tags: [], extra: [], _note: 'note' })).toEqual({ name: '', count: 0, ok: false, tags: [], items: [] });
  });

  it('leaves out keys the message does not declare and null for non-Value fields', () => {
    expect(jsonToMessage(sut, { name: 'n', note: null, unknown: 1 })).toEqual({ name: 'n' });
  });

  it('rejects non-objects', () => {
    expect(() => jsonToMessage(sut, 'x')).toThrow(/M: expected a JSON object/);
    expect(() => jsonToMessage(sut, { tags: 'x' })).toThrow(/M\.tags: expected an array/);
  });
});
