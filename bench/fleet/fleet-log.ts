import { pino, type Logger } from 'pino';
import { Writable } from 'node:stream';

/** What a fleet's agents logged at warn and above: counts and the latest lines (10,000 agents must not flood a terminal). */
export class FleetLog {
  warnings = 0;
  errors = 0;
  /** Warnings and errors by kind: the message, and the error's code when it has one ("heartbeat failed: Unavailable"). */
  readonly kinds: Record<string, number> = {};
  readonly recent: string[] = [];
  readonly logger: Logger;

  constructor(level: 'warn' | 'info' | 'debug' = 'warn') {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line) this.take(line);
        done();
      },
    });
    this.logger = pino({ level, base: null }, sink);
  }

  private take(line: string): void {
    const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
    if (level >= 50) this.errors += 1;
    else if (level >= 40) this.warnings += 1;
    if (level >= 40) {
      const kind = kindOf(line);
      this.kinds[kind] = (this.kinds[kind] ?? 0) + 1;
      this.recent.push(line.slice(0, 600));
      if (this.recent.length > 20) this.recent.shift();
    }
  }
}

function kindOf(line: string): string {
  try {
    const { msg, err } = JSON.parse(line) as { msg?: string; err?: { code?: string; message?: string } };
    const cause = err?.code ?? err?.message?.replace(/[0-9a-f]{8}-[0-9a-f-]{27}|\[[0-9a-f:]+\]:\d+|\d+/g, '#').slice(0, 60);
    return cause === undefined ? String(msg) : `${String(msg)}: ${cause}`;
  } catch {
    return 'unparsed';
  }
}
