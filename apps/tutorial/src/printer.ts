import { messageOf } from './errors.js';

/** Where the walk writes its lines (stdout for the CLI, an array in tests). */
export interface TutorialIo {
  out(line: string): void;
}

const MAX_ANSWER = 320;

/** One-line JSON of an answer, cut to a readable length (PEMs and configs are long). */
export function abridge(value: unknown, max = MAX_ANSWER): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 60)}…(${v.length} chars)` : v)) ?? 'undefined';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Prints steps, calls, answers and elapsed times. */
export class Printer {
  private readonly started = Date.now();

  constructor(private readonly io: TutorialIo) {}

  step(title: string): void {
    this.io.out('');
    this.io.out(`── ${title}  [t+${seconds(Date.now() - this.started)}]`);
  }

  call(name: string, args: unknown): void {
    this.io.out(`  → ${name}(${abridge(args, 200)})`);
  }

  answer(value: unknown, ms: number): void {
    this.io.out(`  ← ${abridge(value)}  (${seconds(ms)})`);
  }

  note(text: string): void {
    this.io.out(`  · ${text}`);
  }

  done(title: string, ms: number): void {
    this.io.out(`  ✓ ${title} (${seconds(ms)})`);
  }

  failed(title: string, error: unknown): void {
    this.io.out(`  ✗ ${title}: ${messageOf(error)}`);
  }
}
