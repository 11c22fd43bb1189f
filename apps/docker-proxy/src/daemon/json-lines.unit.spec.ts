import { PassThrough } from 'node:stream';
import { readJsonLines } from './json-lines.js';

function read(chunks: string[], maxLine?: number): Promise<{ messages: unknown[]; error: Error | null }> {
  const stream = new PassThrough();
  const messages: unknown[] = [];
  const result = new Promise<{ messages: unknown[]; error: Error | null }>((resolve) => readJsonLines(stream, (m) => messages.push(m), (error) => resolve({ messages, error }), maxLine));
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  return result;
}

describe(readJsonLines.name, () => {
  it('yields each JSON line, across chunk boundaries, with CRLF and blank lines, and a last line without newline', async () => {
    const { messages, error } = await read(['{"status":"a"}\r\n\n{"sta', 'tus":"b"}\n{"status":"c"}']);
    expect(error).toBeNull();
    expect(messages).toEqual([{ status: 'a' }, { status: 'b' }, { status: 'c' }]);
  });

  it('ends with an error, not a throw, on a line that is not JSON, and reads no further', async () => {
    const { messages, error } = await read(['{"status":"a"}\nnot json\n{"status":"b"}\n']);
    expect(messages).toEqual([{ status: 'a' }]);
    expect(error?.message).toMatch(/not JSON: "not json"/);
  });

  it('ends with an error on a line longer than the limit instead of buffering it', async () => {
    const { error } = await read(['{"status":"', 'x'.repeat(200)], 100);
    expect(error?.message).toMatch(/longer than 100 bytes/);
  });
});
