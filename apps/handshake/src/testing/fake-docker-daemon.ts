import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface FakeDockerDaemon {
  /** CNs of the client certificates that reached the API (a refused TLS handshake never does). */
  clients: string[];
  close(): Promise<void>;
}

export interface FakeDockerDaemonOptions {
  /** The overlay /128 the daemon's certificate names; put on `lo` for the daemon's lifetime. */
  overlay: string;
  /** Server certificate (leaf + intermediate), as the handshake's wants_cert answered it, and the daemon's key. */
  cert: string;
  key: string;
  /** Roots a client certificate must chain to (the platform CA), as dockerd's tlscacert. */
  ca: string[];
  version?: string;
  port?: number;
}

/**
 * Puts an overlay /128 on `lo` of this (root) namespace, where the handshake service runs like the hub: the
 * address is then reachable without WireGuard. Resolves with its removal. Needs root.
 */
export async function addOverlayAddress(overlay: string): Promise<() => Promise<void>> {
  await exec('ip', ['-6', 'addr', 'add', `${overlay}/128`, 'dev', 'lo', 'nodad']);
  return () => exec('ip', ['-6', 'addr', 'del', `${overlay}/128`, 'dev', 'lo']).then(() => undefined, () => undefined);
}

/**
 * Answers what the platform's probe asks dockerd (`/_ping`, `/version`) behind mutual TLS, listening on the
 * instance's overlay address and port 2376 as the real daemon.json makes dockerd do (see addOverlayAddress).
 */
export async function startFakeDockerDaemon(options: FakeDockerDaemonOptions): Promise<FakeDockerDaemon> {
  const { overlay, cert, key, ca, version = '25.0.3', port = 2376 } = options;
  const removeAddress = await addOverlayAddress(overlay);
  const clients: string[] = [];
  const server: Server = createServer({ cert, key, ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    clients.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
    const path = (req.url ?? '').split('?')[0]!.replace(/^\/v[0-9.]+/, '');
    if (path === '/_ping') return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('OK');
    if (path === '/version') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Version: version, ApiVersion: '1.44' }));
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'page not found' }));
  });
  server.on('tlsClientError', () => undefined);
  try {
    server.listen(port, overlay);
    await once(server, 'listening');
  } catch (error) {
    await removeAddress();
    throw error;
  }
  return {
    clients,
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await removeAddress();
    },
  };
}
