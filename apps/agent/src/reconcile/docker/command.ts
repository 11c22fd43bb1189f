import { execFile, spawn } from 'node:child_process';

/**
 * Prepended to the programs the reconciler runs on the machine (`ip`, dockerd). Production runs them as they
 * are (the agent already lives in its instance's network namespace); tests prefix
 * `nsenter --net=/var/run/netns/<ns> --` to run them inside a test namespace.
 */
export type CommandPrefix = readonly string[];

export class CommandFailedError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | string | null,
    readonly output: string,
  ) {
    super(`${argv.join(' ')} failed (${exitCode ?? 'killed'}): ${output.trim().split('\n').slice(-5).join(' | ') || 'no output'}`);
    this.name = 'CommandFailedError';
  }
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Runs a program (no shell) and resolves with its stdout; rejects with its exit code and output. */
export function runCommand(argv: readonly string[], options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('empty command'));
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PATH: process.env.PATH ?? PATH, LC_ALL: 'C' }, ...(options.signal ? { signal: options.signal } : {}) },
      (error, stdout, stderr) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code ?? error.signal ?? null;
          reject(new CommandFailedError(argv, code, `${String(stderr)}${String(stdout)}` || error.message));
        } else {
          resolve(String(stdout));
        }
      },
    );
  });
}

/** Runs a long program, handing each output line to `onLine` (progress); rejects with the last lines on failure. */
export function runWithLines(argv: readonly string[], onLine: (line: string) => void, options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<void> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('empty command'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: process.env.PATH ?? PATH, ...options.env }, ...(options.signal ? { signal: options.signal } : {}) });
    const tail: string[] = [];
    let partial = '';
    const take = (chunk: Buffer): void => {
      const lines = (partial + chunk.toString('utf8')).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines.map((l) => l.trim()).filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        onLine(line);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) => reject(error));
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new CommandFailedError(argv, code ?? signal, tail.join('\n')))));
  });
}
