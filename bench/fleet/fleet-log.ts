import { pino, type Logger } from 'pino';
import { Writable } from 'node:stream';

/** What a fleet's agents logged at warn and above: counts and the latest lines (10,000 agents must not flood a terminal). */
export class FleetLog {
  warnings = 0;
  errors = 0;
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
      this.recent.push(line.slice(0, 600));
      if (this.recent.length > 20) this.recent.shift();
    }
  }
}
