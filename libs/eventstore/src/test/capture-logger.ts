import type { ProjectionLogger } from '../projection-runner.js';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

/** A logger that keeps what it was told, so tests can see what the runner did (e.g. skipped a redelivery). */
export function captureLogger(): { logger: ProjectionLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: object, msg?: string) => {
    lines.push({ level, obj: obj as Record<string, unknown>, ...(msg === undefined ? {} : { msg }) });
  };
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}
