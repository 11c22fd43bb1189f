import { parseArgs } from 'node:util';
import { bootstrapTokenFingerprint } from './bootstrap-token.js';
import { UsageError } from './errors.js';

export const DEFAULT_STATE_DIR = '/var/lib/powernode-agent';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `node` runs on a managed machine; `platform` is the platform's own WireGuard hub peer, beside the services. */
export type AgentRole = 'node' | 'platform';

interface CommonOptions {
  stateDir: string;
  logLevel: LogLevel;
}

/** How the node installs Docker when dockerd is missing: Debian's `docker.io` with apt, or not at all. */
export const DOCKER_INSTALL_STRATEGIES = ['apt', 'none'] as const;
export type DockerInstallStrategy = (typeof DOCKER_INSTALL_STRATEGIES)[number];

export interface DockerAgentOptions {
  /**
   * Set (local instances): daemon.json, the TLS files, data-root, exec-root and pidfile all live under it and
   * the agent supervises dockerd itself. Unset: /etc/docker, system defaults, systemd when the machine runs it.
   */
  root?: string;
  install: DockerInstallStrategy;
}

export interface NodeAgentOptions extends CommonOptions {
  role: 'node';
  platformUrl: URL;
  bootstrapToken?: string;
  docker: DockerAgentOptions;
}

export interface HubAgentOptions extends CommonOptions {
  role: 'platform';
  /** `host:port` nodes dial the hub at (its first network's listen port; later networks count up). */
  endpoint?: string;
}

export type AgentOptions = NodeAgentOptions | HubAgentOptions;

export const USAGE = `usage: powernode-agent --platform-url https://<host>:<port> [--bootstrap-token pnb1...]
                       [--state-dir ${DEFAULT_STATE_DIR}] [--log-level info]
                       [--docker-root <dir>] [--docker-install apt|none]
       powernode-agent --role platform [--endpoint <host>:<port>] [--state-dir <dir>] [--log-level info]
environment fallbacks: POWERNODE_PLATFORM_URL, POWERNODE_BOOTSTRAP_TOKEN, POWERNODE_AGENT_STATE_DIR, POWERNODE_HUB_ENDPOINT,
                       POWERNODE_DOCKER_ROOT, POWERNODE_DOCKER_INSTALL
--docker-root: daemon.json, TLS files, data-root, exec-root and pidfile under <dir>, dockerd supervised by the agent
               (unset: /etc/docker/daemon.json, /etc/docker/powernode-tls, systemd when present)
--docker-install: how to get dockerd when it is missing (apt: Debian's docker.io, the default; none: fail)
--role platform talks to the platform over NATS (NATS_URL, RPC_SUBJECT_PREFIX, EVENT_SUBJECT_PREFIX, PLATFORM_SERVICE_TOKEN)`;

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
        endpoint: { type: 'string' },
        'log-level': { type: 'string' },
        'docker-root': { type: 'string' },
        'docker-install': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }

  const logLevel = values['log-level'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const stateDir = nonEmpty(values['state-dir']) ?? nonEmpty(env.POWERNODE_AGENT_STATE_DIR) ?? DEFAULT_STATE_DIR;

  const role = values.role ?? 'node';
  if (role === 'platform') {
    if (values['docker-root'] !== undefined || values['docker-install'] !== undefined) {
      throw new UsageError('--role platform runs no container runtime: --docker-root and --docker-install are for node agents');
    }
    if (values['platform-url'] !== undefined || values['bootstrap-token'] !== undefined) {
      throw new UsageError('--role platform takes no --platform-url or --bootstrap-token: the hub speaks to the platform over NATS');
    }
    const endpoint = nonEmpty(values.endpoint) ?? nonEmpty(env.POWERNODE_HUB_ENDPOINT);
    return { role, stateDir, logLevel: logLevel as LogLevel, ...(endpoint === undefined ? {} : { endpoint: parseEndpoint(endpoint) }) };
  }
  if (role !== 'node') throw new UsageError(`--role must be "node" or "platform", got "${role}"`);
  if (values.endpoint !== undefined) throw new UsageError('--endpoint is for --role platform; a node reports the address the platform sees it at');

  const rawUrl = nonEmpty(values['platform-url']) ?? nonEmpty(env.POWERNODE_PLATFORM_URL);
  if (rawUrl === undefined) throw new UsageError(`--platform-url (or POWERNODE_PLATFORM_URL) is required\n${USAGE}`);

  const bootstrapToken = nonEmpty(values['bootstrap-token']) ?? nonEmpty(env.POWERNODE_BOOTSTRAP_TOKEN);
  if (bootstrapToken !== undefined) bootstrapTokenFingerprint(bootstrapToken);

  return {
    role,
    platformUrl: parsePlatformUrl(rawUrl),
    ...(bootstrapToken === undefined ? {} : { bootstrapToken: bootstrapToken.trim() }),
    stateDir,
    logLevel: logLevel as LogLevel,
    docker: parseDockerOptions(values, env),
  };
}

function parseDockerOptions(values: Record<string, string | undefined>, env: NodeJS.ProcessEnv): DockerAgentOptions {
  const install = nonEmpty(values['docker-install']) ?? nonEmpty(env.POWERNODE_DOCKER_INSTALL) ?? 'apt';
  if (!(DOCKER_INSTALL_STRATEGIES as readonly string[]).includes(install)) {
    throw new UsageError(`--docker-install must be one of ${DOCKER_INSTALL_STRATEGIES.join(', ')}, got "${install}"`);
  }
  const root = nonEmpty(values['docker-root']) ?? nonEmpty(env.POWERNODE_DOCKER_ROOT);
  return { install: install as DockerInstallStrategy, ...(root === undefined ? {} : { root: parseDockerRoot(root) }) };
}

/**
 * An absolute path of plain characters: it ends up in daemon.json and in the handshake's `tls_dir`, which the
 * platform accepts only in that shape.
 */
export function parseDockerRoot(raw: string): string {
  const root = raw.trim().replace(/(.)\/+$/, '$1');
  if (!/^\/[A-Za-z0-9._\/-]{1,200}$/.test(root) || root.split('/').some((part) => part === '..' || part === '.')) {
    throw new UsageError(`--docker-root "${raw}" must be an absolute path of letters, digits and . _ - / (no . or .. parts), at most 200 characters`);
  }
  return root;
}

/** `host:port` or `[v6]:port`, as WireGuard writes endpoints. */
export function parseEndpoint(raw: string): string {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[0-9.]+|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw.trim());
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) throw new UsageError(`--endpoint "${raw}" must be host:port or [v6]:port, e.g. 198.18.0.1:51820`);
  return `${match[1]}:${port}`;
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
