/** Longest progress line accepted from a daemon: a real one is a few hundred bytes. */
export const MAX_JSON_LINE = 64 * 1024;

/**
 * Reads newline-delimited JSON from a daemon's stream (pull progress). Unlike docker-modem's followProgress, a
 * line that is not JSON or grows past `maxLine` ends the read with an error instead of throwing inside a stream
 * listener (which would take the whole service down), and nothing is kept beyond the current line.
 */
export function readJsonLines(
  stream: NodeJS.ReadableStream,
  onMessage: (message: unknown) => void,
  done: (error: Error | null) => void,
  maxLine = MAX_JSON_LINE,
): void {
  let buffer = '';
  let finished = false;
  const finish = (error: Error | null) => {
    if (finished) return;
    finished = true;
    stream.removeListener('data', onData);
    stream.removeListener('error', finish);
    stream.removeListener('end', onEnd);
    stream.removeListener('close', onEnd);
    done(error);
  };
  const line = (text: string): boolean => {
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (trimmed.length === 0) return true;
    let message: unknown;
    try {
      message = JSON.parse(trimmed);
    } catch {
      finish(new Error(`the daemon sent a line that is not JSON: ${JSON.stringify(trimmed.slice(0, 80))}`));
      return false;
    }
    onMessage(message);
    return true;
  };
  function onData(chunk: Buffer | string): void {
    buffer += chunk.toString();
    for (let at = buffer.indexOf('\n'); at >= 0 && !finished; at = buffer.indexOf('\n')) {
      const text = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      if (!line(text)) return;
    }
    if (buffer.length > maxLine) finish(new Error(`the daemon sent a line longer than ${maxLine} bytes`));
  }
  function onEnd(): void {
    if (buffer.length > 0 && !line(buffer)) return;
    finish(null);
  }
  stream.on('data', onData);
  stream.on('error', finish);
  stream.on('end', onEnd);
  stream.on('close', onEnd);
}
