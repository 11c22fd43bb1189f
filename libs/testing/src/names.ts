import { randomBytes } from 'node:crypto';

/** A short random name for things a test creates (streams, schemas, subjects), so runs never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}
