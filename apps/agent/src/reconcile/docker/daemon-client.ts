import { request } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { DOCKER_TLS_PORT } from '@powernode/contracts';


/** Opens the TCP stream to the daemon. Production dials directly; tests tunnel it into a test namespace. */
export type Dial = (host: string, port: number) => Duplex;

export interface DaemonEndpoint {
  /** The overlay address the daemon listens on; its certificate must carry it as an IP SAN. */
  address: string;
  port?: number;
  /** The root the daemon's certificate chains to (the platform's). */
  rootPem: string;
  /** The client certificate (leaf + intermediates) and key; without it dockerd's tlsverify refuses the connection. */
  client?: { keyPem: string; certChainPem: string };
  dial?: Dial;
  timeoutMs?: number;
}

export interface DaemonResponse {
  status: number;
  body: string;
}

/** One HTTPS request to the daemon's API over mutually authenticated TLS. */
export function daemonRequest(
  endpoint: DaemonEndpoint,
  method: string,
  path: string,
  signal: AbortSignal,
  body?: { data: Buffer | string; contentType: string },
): Promise<DaemonResponse> {
  const port = endpoint.port ?? DOCKER_TLS_PORT;
  const requestSignal = AbortSignal.any([signal, AbortSignal.timeout(endpoint.timeoutMs ?? 10_000)]);
  return new Promise<DaemonResponse>((resolve, reject) => {
    const tcp = endpoint.dial ? endpoint.dial(endpoint.address, port) : netConnect({ host: endpoint.address, port });
    const socket = tlsConnect({
      socket: tcp,
      ca: [endpoint.rootPem],
      rejectUnauthorized: true,
      // No SNI for an IP literal; the certificate must name the overlay address itself.
      checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(endpoint.address, cert),
      minVersion: 'TLSv1.2',
      ...(endpoint.client ? { key: endpoint.client.keyPem, cert: endpoint.client.certChainPem } : {}),
    });
    const req = request(
      {
        method,
        path,
        host: endpoint.address,
        port,
        createConnection: () => socket,
        headers: {
          host: `[${endpoint.address}]:${port}`,
          connection: 'close',
          ...(body ? { 'content-type': body.contentType, 'content-length': Buffer.byteLength(body.data) } : {}),
        },
        signal: requestSignal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', (error) => {
      tcp.destroy();
      reject(error);
    });
    req.end(body?.data);
  });
}

/** `/_ping` then `/version`: the daemon answers over TLS with a certificate for its overlay address. */
export async function pingDaemon(endpoint: DaemonEndpoint, signal: AbortSignal): Promise<{ version: string; apiVersion?: string }> {
  const ping = await daemonRequest(endpoint, 'GET', '/_ping', signal);
  if (ping.status !== 200 || ping.body.trim() !== 'OK') throw new Error(`/_ping answered ${ping.status} ${ping.body.slice(0, 100)}`);
  const answer = await daemonRequest(endpoint, 'GET', '/version', signal);
  if (answer.status !== 200) throw new Error(`/version answered ${answer.status} ${answer.body.slice(0, 100)}`);
  const parsed = JSON.parse(answer.body) as { Version?: unknown; ApiVersion?: unknown };
  if (typeof parsed.Version !== 'string' || parsed.Version === '') throw new Error('/version has no Version');
  return { version: parsed.Version.slice(0, 64), ...(typeof parsed.ApiVersion === 'string' ? { apiVersion: parsed.ApiVersion } : {}) };
}

/**
 * Stops the running containers before the daemon goes away for good (unassign): with live-restore, stopping
 * dockerd alone would leave them running with nobody managing them.
 */
export async function stopAllContainers(endpoint: DaemonEndpoint, signal: AbortSignal): Promise<number> {
  const list = await daemonRequest(endpoint, 'GET', '/containers/json', signal);
  if (list.status !== 200) throw new Error(`/containers/json answered ${list.status}`);
  const ids = (JSON.parse(list.body) as { Id: string }[]).map((c) => c.Id).filter((id) => /^[0-9a-f]{12,64}$/.test(id));
  await Promise.all(ids.map((id) => daemonRequest({ ...endpoint, timeoutMs: 20_000 }, 'POST', `/containers/${id}/stop?t=5`, signal)));
  return ids.length;
}
