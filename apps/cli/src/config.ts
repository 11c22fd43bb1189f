import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface CliConfig {
  url?: string;
  token?: string;
}

/** `~/.powernode`, or POWERNODE_HOME. */
export function configDir(io: Pick<CliIo, 'env' | 'home'>): string {
  return io.env.POWERNODE_HOME || join(io.home, '.powernode');
}

export function configPath(io: Pick<CliIo, 'env' | 'home'>): string {
  return join(configDir(io), 'config.json');
}

/** The stored config; an absent file is an empty config, an unreadable one an error naming the file. */
export async function readConfig(io: Pick<CliIo, 'env' | 'home'>): Promise<CliConfig> {
  const path = configPath(io);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError('ConfigError', `cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as CliConfig;
    return { ...(typeof parsed.url === 'string' ? { url: parsed.url } : {}), ...(typeof parsed.token === 'string' ? { token: parsed.token } : {}) };
  } catch {
    throw new CliError('ConfigError', `${path} is not JSON: fix or delete it and run powernode login`);
  }
}

/** Writes the config with mode 0600 in a 0700 directory: it holds a bearer token. */
export async function writeConfig(io: Pick<CliIo, 'env' | 'home'>, config: CliConfig): Promise<string> {
  const dir = await ensurePrivateDir(configDir(io));
  const path = join(dir, 'config.json');
  await writeFile(path, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  await chmod(path, 0o600); // writeFile's mode applies only when it creates the file
  return path;
}

/** mkdir -p with mode 0700, also tightening a directory that already existed. */
export async function ensurePrivateDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

/** Where to call and with which token: --url, then POWERNODE_URL / POWERNODE_TOKEN, then the stored config. */
export function resolveConnection(io: Pick<CliIo, 'env'>, config: CliConfig, urlFlag?: string): { url: string; token?: string } {
  const url = (urlFlag || io.env.POWERNODE_URL || config.url || DEFAULT_URL).replace(/\/+$/, '');
  const token = io.env.POWERNODE_TOKEN || config.token;
  return token ? { url, token } : { url };
}
