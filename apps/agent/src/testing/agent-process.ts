import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const REPO = process.cwd(); // jest runs from the repo root

/**
 * Compiles the agent (and the libraries it imports) with the repo's SWC config into a scratch directory
 * under the repo, so node_modules and package.json ("type": "module") resolve as they do from dist/.
 */
export async function buildAgent(): Promise<{ mainJs: string; remove: () => Promise<void> }> {
  const out = join(REPO, `.tmp-agent-build-${randomBytes(4).toString('hex')}`);
  await promisify(execFile)(join(REPO, 'node_modules/.bin/swc'), ['apps/agent', 'libs', '-d', out, '--copy-files', '--ignore', '**/*.spec.ts', '--quiet'], { cwd: REPO });
  return { mainJs: join(out, 'apps/agent/src/main.js'), remove: () => rm(out, { recursive: true, force: true }) };
}

/** A running powernode-agent child process with its output captured. */
export class AgentProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  /** `prefix` runs the agent through another program, e.g. `nsenter --net=… --` into an instance's namespace. */
  constructor(mainJs: string, args: string[], env: Record<string, string> = {}, prefix: readonly string[] = []) {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('POWERNODE_')));
    const [command, ...rest] = [...prefix, process.execPath, mainJs, ...args];
    this.child = spawn(command as string, rest, { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Parsed JSON log lines. */
  get logs(): { msg: string; [key: string]: unknown }[] {
    return this.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string });
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGKILL if still running (test cleanup). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
