import { homedir } from 'node:os';

/** A stream the CLI writes to; `isTTY` decides between progress bars and plain lines. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything the CLI touches outside itself, so tests run `main` in-process with their own HOME and streams. */
export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  /** The user's home: the config lives in `<home>/.powernode` unless POWERNODE_HOME says otherwise. */
  home: string;
  cwd: string;
  /** Aborted on Ctrl-C: long-running commands (`events --follow`, `pull`) stop cleanly. */
  signal?: AbortSignal;
}

/** The real process: its streams and environment, with SIGINT turned into an abort. */
export function processIo(): CliIo {
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  process.once('SIGTERM', () => interrupt.abort());
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, home: homedir(), cwd: process.cwd(), signal: interrupt.signal };
}
