// Every JSON line the services log, kept in memory so a test can search them (pino writes one line per write).
import type { LogDestination } from '@powernode/service-kit';

export interface LogCapture extends LogDestination {
  readonly lines: string[];
}

/** A log destination that keeps each line; pass it as the platform's `logs`. */
export function captureLogs(): LogCapture {
  const lines: string[] = [];
  return {
    lines,
    write: (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) lines.push(line);
    },
  };
}
