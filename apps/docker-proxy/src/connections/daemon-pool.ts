import { Agent } from 'node:https';
import Docker from 'dockerode';
import { DOCKER_TLS_PORT } from '@powernode/contracts';
import { platformSecureContext, quietAgent, type PlatformClientTls, type PlatformDockerClient } from '@powernode/docker-host';

interface Connection {
  docker: Docker;
  agent: Agent;
  tls: PlatformClientTls;
  overlay: string;
}

/** Connections per host, all kept alive between requests (closing spares would mean new TLS handshakes under load). */
const SOCKETS = 32;
/** Requests under way on a connection replaced by a certificate rotation get this long to finish. */
const RETIRE_AFTER_MS = 60_000;

/**
 * One dockerode client per host, over keep-alive mutual TLS with the platform's `docker-platform-client`
 * certificate. When that certificate rotates (PlatformDockerClient renews at 2/3 of its life), the next request
 * gets a new client with the new certificate, and the old one's sockets close once its requests are done: no
 * request is dropped and no connection outlives the rotation by more than a minute. docker-modem reads a bare
 * IPv6 host as a URL scheme, so the overlay goes in brackets.
 */
export class DaemonPool {
  private readonly connections = new Map<string, Connection>();
  private readonly retiring = new Set<NodeJS.Timeout>();

  constructor(
    private readonly client: PlatformDockerClient,
    private readonly timeoutMs: number,
    private readonly port = DOCKER_TLS_PORT,
  ) {}

  async docker(hostId: string, overlay: string): Promise<Docker> {
    const tls = await this.client.tls();
    const current = this.connections.get(hostId);
    if (current && current.tls === tls && current.overlay === overlay) return current.docker;
    if (current) this.retire(current);
    // quietAgent: docker-modem inspects the options per request, and this agent holds every pooled socket.
    const agent = quietAgent(new Agent({ keepAlive: true, maxSockets: SOCKETS, maxFreeSockets: SOCKETS, timeout: 60_000, secureContext: platformSecureContext(tls) }), hostId);
    const docker = new Docker({ protocol: 'https', host: `[${overlay}]`, port: this.port, ca: tls.ca, cert: tls.cert, key: tls.key, timeout: this.timeoutMs, agent } as Docker.DockerOptions);
    this.connections.set(hostId, { docker, agent, tls, overlay });
    return docker;
  }

  /**
   * After a failed probe: the next request opens fresh connections (a dead keep-alive socket must not fail it
   * too), while requests under way on the old ones (a long pull) finish undisturbed.
   */
  renew(hostId: string): void {
    const current = this.connections.get(hostId);
    if (!current) return;
    this.connections.delete(hostId);
    this.retire(current);
  }

  /** A decommissioned (or gone) host: its sockets close now. */
  drop(hostId: string): void {
    const current = this.connections.get(hostId);
    if (!current) return;
    this.connections.delete(hostId);
    current.agent.destroy();
  }

  hosts(): string[] {
    return [...this.connections.keys()];
  }

  close(): void {
    for (const timer of this.retiring) clearTimeout(timer);
    this.retiring.clear();
    for (const hostId of this.hosts()) this.drop(hostId);
  }

  private retire(connection: Connection): void {
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      connection.agent.destroy();
    }, RETIRE_AFTER_MS);
    timer.unref();
    this.retiring.add(timer);
  }
}
