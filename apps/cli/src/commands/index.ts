import type { Command } from './command.js';
import { certExport } from './cert-export.js';
import { containers } from './containers.js';
import { dockerEnv } from './docker-env.js';
import { events } from './events.js';
import { hosts } from './hosts.js';
import { login } from './login.js';
import { pull } from './pull.js';
import { rm } from './rm.js';
import { run } from './run.js';
import { sdwanGrant } from './sdwan-grant.js';
import { status } from './status.js';

export const COMMANDS: Command[] = [login, status, events, hosts, containers, pull, run, rm, sdwanGrant, certExport, dockerEnv];

/** The command `argv` names (one or two words) and the arguments after its name. */
export function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return undefined;
}

export function helpText(): string {
  const lines = COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`);
  return [
    'Usage: powernode <command> [options] [--json] [--url U]',
    '',
    'Commands:',
    ...lines,
    '',
    'Config: ~/.powernode/config.json (written by login); POWERNODE_URL, POWERNODE_TOKEN and --url override it.',
    '',
  ].join('\n');
}
