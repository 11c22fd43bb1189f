/** An error the CLI reports as one line, `<code>: <message>`, and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage mistake (unknown option, missing argument): exit code 2, as most CLIs do. */
export function usageError(message: string): CliError {
  return new CliError('Usage', message, 2);
}

/** The platform's `{ code, message, details }` as one line; `details.issues` names each bad field. */
export function fromPlatformBody(status: number, body: unknown, raw: string): CliError {
  const b = (body ?? {}) as { code?: unknown; message?: unknown; details?: { issues?: unknown; errorId?: unknown } };
  const code = typeof b.code === 'string' ? b.code : `HTTP${status}`;
  let message = typeof b.message === 'string' ? b.message : raw.slice(0, 200) || `HTTP ${status}`;
  const issues = Array.isArray(b.details?.issues) ? (b.details.issues as { path?: unknown; message?: unknown }[]) : [];
  const named = issues.map((i) => [Array.isArray(i.path) ? i.path.join('.') : i.path, i.message].filter(Boolean).join(': ')).filter(Boolean);
  if (named.length && !named.every((n) => message.includes(n))) message += ` (${named.join('; ')})`;
  if (typeof b.details?.errorId === 'string') message += ` [errorId ${b.details.errorId}]`;
  return new CliError(code, message, 1, status);
}
