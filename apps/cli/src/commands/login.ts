import { access, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { stringValue } from '../args.js';
import { DEFAULT_URL, writeConfig } from '../config.js';
import { CliError, usageError } from '../errors.js';
import { PlatformClient } from '../http-client.js';
import type { Whoami } from '../types.js';
import { printJson, type Command } from './command.js';

/** Where `npm start` leaves the admin token, relative to the working directory. */
const DEFAULT_TOKEN_FILE = '.powernode/operator-token';

export const login: Command = {
  name: 'login',
  usage: 'login [--url U] [--token T | --token-file F]',
  summary: 'verify a token with identity_whoami and store url and token in ~/.powernode/config.json (0600)',
  options: { token: { type: 'string' }, 'token-file': { type: 'string' } },
  async run(ctx) {
    const { io, args } = ctx;
    const tokenFlag = stringValue(args, 'token');
    const fileFlag = stringValue(args, 'token-file');
    if (tokenFlag && fileFlag) throw usageError('give --token or --token-file, not both');
    const url = (stringValue(args, 'url') || io.env.POWERNODE_URL || ctx.config.url || DEFAULT_URL).replace(/\/+$/, '');
    const token = tokenFlag ?? (await tokenFrom(fileFlag, io.cwd)) ?? io.env.POWERNODE_TOKEN;
    if (!token) throw usageError(`no token: pass --token or --token-file (${DEFAULT_TOKEN_FILE} does not exist here)`);
    const who = await new PlatformClient(url, token).call<Whoami>('identity_whoami');
    const path = await writeConfig(io, { url, token });
    if (ctx.json) printJson(ctx, { url, account: who.account, config: path });
    else ctx.out(`Logged in to ${url} as ${who.account.name} (${who.account.roles.join(', ')}); config in ${path}\n`);
  },
};

async function tokenFrom(file: string | undefined, cwd: string): Promise<string | undefined> {
  const path = resolve(cwd, file ?? DEFAULT_TOKEN_FILE);
  if (!file) {
    try {
      await access(path);
    } catch {
      return undefined;
    }
  }
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (!token) throw new CliError('InvalidToken', `${path} is empty`);
    return token;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError('InvalidToken', `cannot read the token file ${path}: ${(error as Error).message}`);
  }
}
