import { Agent } from 'node:https';
import { inspect } from 'node:util';
import Docker from 'dockerode';
import { DOCKER_TLS_PORT, PlatformError } from '@powernode/contracts';
import type { PlatformClientTls } from './platform-docker-client.js';
import { platformSecureContext } from './secure-context.js';

/** What the daemon says about itself. */
export interface DaemonFacts {
  version: string;
}

/**
 * A dockerode client for the daemon at `[overlay]:2376` over mutual TLS. docker-modem builds its URL from
 * `host` with the legacy URL parser, which reads a bare IPv6 address as a scheme (`fd00:` …); with brackets it
 * parses as a host and the request goes to the address itself. The server certificate is verified against the
 * platform chain and, since the host is an IP, against the certificate's IP SANs (Node's checkServerIdentity):
 * a daemon presenting another host's certificate fails.
 */
export function daemonClient(overlay: string, tls: PlatformClientTls, timeoutMs: number, port = DOCKER_TLS_PORT): Docker {
  return new Docker({
    protocol: 'https',
    host: `[${overlay}]`,
    port,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    timeout: timeoutMs,
    // A fresh connection per probe: a pooled one could outlive a client certificate rotation.
    agent: quietAgent(new Agent({ keepAlive: false, secureContext: platformSecureContext(tls) }), overlay),
  } as Docker.DockerOptions);
}

/**
 * docker-modem logs `util.inspect(options)` on every request, debug on or not; the options hold the agent with its
 * TLS context and sockets, which makes that inspect cost more than the request. Keep it one word.
 */
export function quietAgent(agent: Agent, name: string): Agent {
  Object.defineProperty(agent, inspect.custom, { value: () => `[https.Agent ${name}]` });
  return agent;
}

/** TLS `/_ping` then `/version`; anything else than OK → DaemonUnreachable with the reason. */
export async function probeDaemon(overlay: string, tls: PlatformClientTls, timeoutMs: number, port = DOCKER_TLS_PORT): Promise<DaemonFacts> {
  const docker = daemonClient(overlay, tls, timeoutMs, port);
  const endpoint = `[${overlay}]:${port}`;
  try {
    const pong = await withDeadline(docker.ping(), timeoutMs);
    if (String(pong).trim() !== 'OK') throw new Error(`/_ping answered ${JSON.stringify(String(pong).slice(0, 64))}`);
    const version = (await withDeadline(docker.version(), timeoutMs)) as { Version?: unknown };
    if (typeof version.Version !== 'string' || !version.Version) throw new Error('/version has no Version');
    return { version: version.Version };
  } catch (error) {
    const reason = describe(error);
    throw new PlatformError('DaemonUnreachable', `the platform cannot reach dockerd at ${endpoint}: ${reason}`, { endpoint, reason });
  }
}

/** docker-modem's timeout covers an idle socket, not a connect that hangs (an overlay peer that is gone). */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string; reason?: string; statusCode?: number };
  if (e.statusCode !== undefined) return `HTTP ${e.statusCode}${e.reason ? ` ${e.reason}` : ''}`;
  return [e.code, e.message].filter(Boolean).join(': ') || String(error);
}
