import { parseSse } from './sse.js';

describe(parseSse.name, () => {
  it('yields events split across chunks and drops comments', async () => {
    const enc = new TextEncoder();
    async function* chunks() {
      yield enc.encode(': watching\n\nevent: event\nda');
      yield enc.encode('ta: {"a":1}\n\n: keep-alive\n\nevent: event\r\ndata: {"a":2}\r\n\r\n');
    }
    const sut = [];
    for await (const m of parseSse(chunks())) sut.push(m);
    expect(sut).toEqual([
      { event: 'event', data: '{"a":1}' },
      { event: 'event', data: '{"a":2}' },
    ]);
  });
});
