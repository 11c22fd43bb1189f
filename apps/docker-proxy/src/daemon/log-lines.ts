export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

/**
 * `GET /containers/{id}/logs` output → lines, oldest first. Without a TTY docker multiplexes stdout and stderr
 * in frames (1 byte stream, 3 zero bytes, 4 bytes big-endian length, payload); with one the output is raw stdout.
 * A line split across frames is joined per stream; a trailing `\r` (TTY line endings) is dropped.
 */
export function logLines(output: Buffer, tty: boolean): LogLine[] {
  const lines: LogLine[] = [];
  const pending = { stdout: '', stderr: '' };
  const take = (stream: LogLine['stream'], text: string) => {
    const parts = (pending[stream] + text).split('\n');
    pending[stream] = parts.pop() ?? '';
    for (const part of parts) lines.push({ stream, text: part.replace(/\r$/, '') });
  };
  if (tty) {
    take('stdout', output.toString('utf8'));
  } else {
    let offset = 0;
    while (offset + 8 <= output.length) {
      const kind = output.readUInt8(offset);
      const length = output.readUInt32BE(offset + 4);
      take(kind === 2 ? 'stderr' : 'stdout', output.subarray(offset + 8, offset + 8 + length).toString('utf8'));
      offset += 8 + length;
    }
  }
  for (const stream of ['stdout', 'stderr'] as const) if (pending[stream] !== '') lines.push({ stream, text: pending[stream].replace(/\r$/, '') });
  return lines;
}
