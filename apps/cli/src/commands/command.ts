import type { OptionSpec, ParsedArgs } from '../args.js';
import type { CliConfig } from '../config.js';
import type { PlatformClient } from '../http-client.js';
import type { CliIo } from '../io.js';

export interface CommandContext {
  io: CliIo;
  args: ParsedArgs;
  json: boolean;
  config: CliConfig;
  /** A client for the resolved url and token; fails with NotLoggedIn when there is no token. */
  client(): PlatformClient;
  out(text: string): void;
  err(text: string): void;
}

/** One CLI command: `name` may be two words (`sdwan grant`). */
export interface Command {
  name: string;
  usage: string;
  summary: string;
  options: OptionSpec;
  run(ctx: CommandContext): Promise<void>;
}

/** Prints `value` as JSON (for --json). */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.out(JSON.stringify(value, null, 2) + '\n');
}
