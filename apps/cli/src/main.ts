import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { flag, parseCommandArgs, stringValue } from './args.js';
import { findCommand, helpText } from './commands/index.js';
import type { CommandContext } from './commands/command.js';
import { readConfig, resolveConnection } from './config.js';
import { CliError, usageError } from './errors.js';
import { PlatformClient } from './http-client.js';
import { processIo, type CliIo } from './io.js';

/**
 * The powernode operator CLI. Returns the exit code instead of exiting, and touches only `io`, so tests call it
 * in-process. Errors print as one line on stderr: `powernode: <code>: <message>`.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
      io.stdout.write(helpText());
      return 0;
    }
    const found = findCommand(argv);
    if (!found) throw usageError(`unknown command "${argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')}": see powernode --help`);
    const { command, rest } = found;
    const args = parseCommandArgs(rest, command.options);
    if (flag(args, 'help')) {
      io.stdout.write(`Usage: powernode ${command.usage}\n\n${command.summary}\n`);
      return 0;
    }
    const config = await readConfig(io);
    let client: PlatformClient | undefined;
    const ctx: CommandContext = {
      io,
      args,
      json: flag(args, 'json'),
      config,
      client: () => {
        if (client) return client;
        const { url, token } = resolveConnection(io, config, stringValue(args, 'url'));
        if (!token) throw new CliError('NotLoggedIn', 'no token: run powernode login (or set POWERNODE_TOKEN)');
        return (client = new PlatformClient(url, token));
      },
      out: (text) => void io.stdout.write(text),
      err: (text) => void io.stderr.write(text),
    };
    await command.run(ctx);
    return 0;
  } catch (error) {
    if (io.signal?.aborted && (error as Error).name === 'AbortError') return 130;
    const e = error instanceof CliError ? error : new CliError('Error', (error as Error).message ?? String(error));
    io.stderr.write(`powernode: ${e.code}: ${e.message}\n`);
    return e.exitCode;
  }
}

/** Runs the CLI in this process (the bin script, or `node dist/apps/cli/src/main.js`). */
export async function runFromProcess(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2), processIo());
}

function isEntryPoint(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) await runFromProcess();
