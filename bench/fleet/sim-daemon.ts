import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { DaemonRunner } from '../../apps/agent/src/reconcile/docker/daemon-runner.js';

/** The daemon.json keys dockerd itself reads to listen; the simulated daemon reads the same. */
interface ListenConfig {
  hosts: string[];
  tlscacert: string;
  tlscert: string;
  tlskey: string;
}

export const SIM_DOCKER_VERSION = '20.10.24-fleet';

/**
 * Stands in for dockerd on a simulated host: reads the daemon.json and TLS files the agent wrote, exactly where
 * dockerd would, and answers what the platform and the agent ask a daemon (`/_ping`, `/version`, `/info`,
 * `/containers/json`) behind mutual TLS on the overlay address and port the configuration names. So the
 * platform's own TLS verification of each host (certificate, SAN, client certificate) still happens for real.
 */
export class SimDaemon implements DaemonRunner {
  readonly mode = 'supervise' as const;
  private server: Server | undefined;
  private endpoint = '';
  private sockets = new Set<Socket>();
  /** Bumped by each start and stop, so a start that a stop overtook closes what it opened. */
  private generation = 0;

  constructor(private readonly daemonJson: string) {}

  async start(): Promise<void> {
    await this.stop();
    const generation = ++this.generation;
    const config = JSON.parse(await readFile(this.daemonJson, 'utf8')) as ListenConfig;
    const [host, port] = listenAddress(config.hosts);
    const [ca, cert, key] = await Promise.all([config.tlscacert, config.tlscert, config.tlskey].map((path) => readFile(path, 'utf8')));
    const server = createServer({ ca, cert, key, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, (req, res) => {
      const path = (req.url ?? '').split('?')[0]!.replace(/^\/v[0-9.]+/, '');
      const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (path === '/_ping') return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('OK');
      if (path === '/version') return json({ Version: SIM_DOCKER_VERSION, ApiVersion: '1.41' });
      if (path === '/info') return json({ ServerVersion: SIM_DOCKER_VERSION, Containers: 0, Images: 0 });
      if (path === '/containers/json') return json([]);
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `the fleet simulator does not serve ${path}` }));
    });
    server.on('tlsClientError', () => undefined);
    // A socket still in its TLS handshake is not the HTTP layer's to close: track every raw one for stop().
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    // dockerd (Go's http.Server without an IdleTimeout) keeps idle connections open; so does its stand-in.
    server.keepAliveTimeout = 0;
    server.listen(port, host);
    await once(server, 'listening');
    if (generation !== this.generation) {
      // stop() ran while this start was under way: what it started must not outlive it.
      server.close();
      return;
    }
    this.server = server;
    this.sockets = sockets;
    this.endpoint = `[${host}]:${port}`;
  }

  startFailure(): Promise<never> {
    return new Promise<never>(() => undefined);
  }

  healthy(): void {}

  async isRunning(): Promise<boolean> {
    return this.server?.listening ?? false;
  }

  async stop(): Promise<void> {
    this.generation += 1;
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  async forget(): Promise<void> {}

  async recentLog(): Promise<string[]> {
    return [];
  }

  facts(): Record<string, unknown> {
    return { mode: 'fleet-simulator', listening: this.server?.listening ?? false, endpoint: this.endpoint };
  }
}

/** `tcp://[addr]:port` → [addr, port]; the simulator serves TCP hosts only, as the platform configures them. */
function listenAddress(hosts: string[]): [string, number] {
  const match = hosts.map((h) => /^tcp:\/\/\[([0-9a-f:]+)\]:(\d+)$/i.exec(h)).find((m) => m !== null);
  if (!match) throw new Error(`daemon.json has no tcp://[overlay]:port host: ${JSON.stringify(hosts)}`);
  return [match[1]!, Number(match[2])];
}
