import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ on Linux

/** CPU seconds (user + system) and resident memory of one process, from /proc; undefined once it is gone. */
export function processUsage(pid: number): { cpuS: number; rssMiB: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuS = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S; // utime, stime (fields 14, 15)
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuS, rssMiB: rss ? Number(rss[1]) / 1024 : 0 };
  } catch {
    return undefined;
  }
}

/** Sums over processes: CPU seconds used since `start()`, and the peak of their summed RSS, sampled. */
export class UsageMeter {
  private readonly baseline = new Map<number, number>();
  peakRssMiB = 0;

  constructor(private readonly pids: () => number[]) {}

  start(): void {
    for (const pid of this.pids()) this.baseline.set(pid, processUsage(pid)?.cpuS ?? 0);
  }

  sample(): void {
    const rss = this.pids().reduce((sum, pid) => sum + (processUsage(pid)?.rssMiB ?? 0), 0);
    this.peakRssMiB = Math.max(this.peakRssMiB, rss);
  }

  cpuSeconds(): number {
    return this.pids().reduce((sum, pid) => sum + Math.max(0, (processUsage(pid)?.cpuS ?? 0) - (this.baseline.get(pid) ?? 0)), 0);
  }
}

/** The pids of every process whose command name is `name` (e.g. the NATS server, PostgreSQL's backends). */
export function pidsNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);
}
