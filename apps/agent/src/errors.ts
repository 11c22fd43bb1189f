/** An error the agent cannot recover from by retrying: it logs the message and exits with `exitCode`. */
export class AgentFatalError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'AgentFatalError';
  }
}

/** Bad command line or environment: exit 2, like other CLI tools. */
export class UsageError extends AgentFatalError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** A short, secret-free description of an error for a log line. */
export function describeError(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? { message: error.message } : { message: error.message, code };
  }
  return { message: String(error) };
}
