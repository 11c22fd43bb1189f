import { PlatformError } from '@powernode/contracts';

const UNIT_S = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** `"24h"` → seconds; InvalidInput when zero or beyond `maxSeconds`. */
export function parseTtl(ttl: string, maxSeconds: number): number {
  const match = /^(\d+)([smhd])$/.exec(ttl);
  const seconds = match ? Number(match[1]) * UNIT_S[match[2] as keyof typeof UNIT_S] : NaN;
  if (!(seconds > 0) || seconds > maxSeconds) {
    throw new PlatformError('InvalidInput', `ttl ${ttl} must be a positive duration of at most ${maxSeconds / 86_400} days`, {
      issues: [{ field: 'ttl', message: `at most ${maxSeconds}s` }],
    });
  }
  return seconds;
}

/** A device name from the operator's hint: lowercase letters, digits and dashes. */
export function deviceNameFrom(hint: string): string {
  const name = hint.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);
  return name || 'device';
}
