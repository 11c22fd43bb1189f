import { commitSchema, EventSchemaError, type Commit } from '@powernode/contracts';

const decoder = new TextDecoder();

/** Parses and shape-checks one stored commit; data is checked per kind later, by the registry. */
export function parseStoredCommit(data: Uint8Array, subject: string, seq: number): Commit {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch {
    throw new EventSchemaError(`${subject} seq ${seq} is not JSON`);
  }
  const result = commitSchema.safeParse(json);
  if (!result.success) {
    throw new EventSchemaError(`${subject} seq ${seq} is not a commit`, {
      issues: result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    });
  }
  return result.data;
}
