import { parseArgs } from 'node:util';
import { bootstrapTokenFingerprint } from './bootstrap-token.js';
import { UsageError } from './errors.js';

export const DEFAULT_STATE_DIR = '/var/lib/powernode-agent';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `node` runs on a managed machine; `platform` (the hub peer) is reserved for a later issue. */
export type AgentRole = 'node';

export interface AgentOptions {
  platformUrl: URL;
  bootstrapToken?: string;
  stateDir: string;
  role: AgentRole;
  logLevel: LogLevel;
}

export const USAGE = `usage: powernode-agent --platform-url https://<host>:<port> [--bootstrap-token pnb1...]
                       [--state-dir ${DEFAULT_STATE_DIR}] [--role node] [--log-level info]
environment fallbacks: POWERNODE_PLATFORM_URL, POWERNODE_BOOTSTRAP_TOKEN, POWERNODE_AGENT_STATE_DIR`;

/** Parses the command line (flags win over the environment); UsageError names what is wrong. */
export function parseAgentArgs(argv: string[], env: NodeJS.ProcessEnv): AgentOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'platform-url': { type: 'string' },
        'bootstrap-token': { type: 'string' },
        'state-dir': { type: 'string' },
        role: { type: 'string' },
        'log-level': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }

  const rawUrl = nonEmpty(values['platform-url']) ?? nonEmpty(env.POWERNODE_PLATFORM_URL);
  if (rawUrl === undefined) throw new UsageError(`--platform-url (or POWERNODE_PLATFORM_URL) is required\n${USAGE}`);

  const bootstrapToken = nonEmpty(values['bootstrap-token']) ?? nonEmpty(env.POWERNODE_BOOTSTRAP_TOKEN);
  if (bootstrapToken !== undefined) bootstrapTokenFingerprint(bootstrapToken);

  const role = values.role ?? 'node';
  if (role === 'platform') throw new UsageError('--role platform (the hub peer) is not supported yet; use --role node');
  if (role !== 'node') throw new UsageError(`--role must be "node", got "${role}"`);

  const logLevel = values['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);

  return {
    platformUrl: parsePlatformUrl(rawUrl),
    ...(bootstrapToken === undefined ? {} : { bootstrapToken: bootstrapToken.trim() }),
    stateDir: nonEmpty(values['state-dir']) ?? nonEmpty(env.POWERNODE_AGENT_STATE_DIR) ?? DEFAULT_STATE_DIR,
    role,
    logLevel: logLevel as LogLevel,
  };
}

/** An https origin (host may be an IPv6 literal in brackets); no path, query, fragment or credentials. */
export function parsePlatformUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--platform-url "${raw}" is not a URL (e.g. https://[fd5e:7e57:0:1::1]:8443)`);
  }
  if (url.protocol !== 'https:') throw new UsageError(`--platform-url must use https, got ${url.protocol}`);
  if (url.username || url.password) throw new UsageError('--platform-url must not carry credentials');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new UsageError('--platform-url must be an origin only (https://host:port), without path, query or fragment');
  }
  return url;
}

/** The host to dial: URL keeps IPv6 literals in brackets, sockets want them bare. */
export function dialHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
