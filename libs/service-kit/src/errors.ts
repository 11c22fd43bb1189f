import { randomUUID } from 'node:crypto';
import { PlatformError, type ErrorBody } from '@powernode/contracts';

/** Maps any thrown value to a stable error body; unknown errors get an errorId to find in the logs. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof PlatformError) return error.toBody();
  return { code: 'Internal', message: 'internal error', details: { errorId: randomUUID() } };
}
