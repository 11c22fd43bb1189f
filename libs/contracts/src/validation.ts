import type { z } from 'zod';
import { PlatformError } from './errors.js';

/** Parses untrusted input; a failure is an InvalidInput error naming every offending field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '(root)',
    message: issue.message,
  }));
  const fields = issues.map((i) => i.field).join(', ');
  throw new PlatformError('InvalidInput', `invalid ${what}: ${fields}`, { issues });
}
