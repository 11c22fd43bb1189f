import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@powernode/service-kit';
import type { AccessGrantService } from '../access-grant/access-grant.service.js';

const PATH = /^\/sdwan\/device\/([A-Za-z0-9_-]{43})$/;

/** Serves one-time device bootstrap URLs: the wg-quick config once as text/plain, 410 afterwards. */
export async function startBootstrapServer(grants: AccessGrantService, host: string, port: number, logger: Logger): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const match = req.method === 'GET' ? PATH.exec(req.url ?? '') : null;
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
    };
    if (!match) return send(404, 'not found\n');
    grants
      .redeem(match[1]!, { actor: 'system:sdwan-bootstrap' })
      .then((result) => {
        if (result === undefined) send(404, 'not found\n');
        else if (result === 'gone') send(410, 'this bootstrap URL was used, revoked or has expired\n');
        else send(200, result.config);
      })
      .catch((error: Error) => {
        logger.error({ err: error }, 'bootstrap URL failed');
        send(500, 'internal error\n');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
