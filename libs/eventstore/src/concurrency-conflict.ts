import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { PlatformError } from '@powernode/contracts';
import type { Expected } from './types.js';

/** Another writer appended to the aggregate since the caller loaded it. */
export class ConcurrencyConflict extends PlatformError {
  constructor(subject: string, expected: Expected, actualPosition?: number) {
    super('Conflict', `${subject} changed since version ${expected.version} (position ${expected.position})`, {
      subject,
      expected,
      ...(actualPosition === undefined ? {} : { actualPosition }),
    });
  }
}

/** JetStream's answer to a failed `Nats-Expected-Last-Subject-Sequence`; yields the actual position when it says. */
export function wrongLastSequence(error: unknown): { actual?: number } | null {
  if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamWrongLastSequence) return null;
  const match = /wrong last sequence: (\d+)/.exec(error.message);
  return match ? { actual: Number(match[1]) } : {};
}
