import { logLines } from './log-lines.js';

const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe(logLines.name, () => {
  it('demultiplexes stdout and stderr frames into lines, in order', () => {
    const output = Buffer.concat([frame(1, 'one\n'), frame(2, 'oops\n'), frame(1, 'two\nthr'), frame(1, 'ee\n')]);
    expect(logLines(output, false)).toEqual([
      { stream: 'stdout', text: 'one' },
      { stream: 'stderr', text: 'oops' },
      { stream: 'stdout', text: 'two' },
      { stream: 'stdout', text: 'three' },
    ]);
  });

  it('reads TTY output as raw stdout, dropping carriage returns and keeping a last partial line', () => {
    expect(logLines(Buffer.from('a\r\nb\r\nc'), true)).toEqual([
      { stream: 'stdout', text: 'a' },
      { stream: 'stdout', text: 'b' },
      { stream: 'stdout', text: 'c' },
    ]);
  });

  it('answers no lines for no output', () => {
    expect(logLines(Buffer.alloc(0), false)).toEqual([]);
  });
});

describe('newestWithin', () => {
  it('keeps the newest lines that fit, oldest first, and says when it left some out', async () => {
    const { newestWithin } = await import('./daemon-operations.js');
    const lines = ['a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60)].map((text) => ({ stream: 'stdout' as const, text }));
    expect(newestWithin(lines, 1_000)).toEqual({ lines, truncated: false });
    expect(newestWithin(lines, 200)).toEqual({ lines: lines.slice(1), truncated: true });
    expect(newestWithin(lines, 10)).toEqual({ lines: [], truncated: true });
  });
});
