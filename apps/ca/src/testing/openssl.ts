import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the openssl CLI with the given PEM/DER files written to a scratch directory. */
export async function openssl(args: (dir: string) => string[], files: Record<string, string | Buffer>): Promise<{ stdout: string; stderr: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'powernode-openssl-'));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    return await run('openssl', args(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
