import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { PlatformError, agentProtocol } from '@powernode/contracts';

const { AGENT_PATHS } = agentProtocol;
import type { Logger } from '@powernode/service-kit';
import type { AgentService } from '../agent/agent.service.js';
import type { RuntimeHandshakeService } from '../docker/handshake/runtime-handshake.service.js';
import type { Admission } from './admission.js';
import { agentIdentityOf } from './client-identity.js';
import { readJson, sendError, sendJson } from './http-io.js';
import type { ServerIdentity } from './server-identity.js';

/** TLS options: any client may connect (enrolment has no cert yet); routes that need one check `authorized`. */
export function tlsOptions(identity: ServerIdentity) {
  return {
    key: identity.keyPem,
    cert: identity.certPem + identity.chainPem.slice(0, -1).join(''),
    // The intermediate too, so an agent presenting only its leaf still chains.
    ca: identity.chainPem,
    requestCert: true,
    rejectUnauthorized: false,
  };
}

/**
 * The agent-facing HTTPS server: parse, authenticate per route, delegate to AgentService / RuntimeHandshakeService.
 * Each request's work runs when `admission` lets it (a heartbeat's read, not its wait).
 */
export function createAgentServer(identity: () => ServerIdentity, agents: AgentService, runtimes: RuntimeHandshakeService, admission: Admission, logger: Logger): Server {
  const admit = <T>(work: () => Promise<T>) => admission.run(work);
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0];
    const socket = req.socket as TLSSocket;
    if (req.method === 'GET' && path === AGENT_PATHS.caChain) {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' });
      res.end(identity().chainPem.join(''));
      return;
    }
    if (req.method !== 'POST') throw new PlatformError('NotFound', `no route ${req.method} ${path}`);
    switch (path) {
      case AGENT_PATHS.enroll: {
        const body = await readJson(req);
        return sendJson(res, 200, await admit(() => agents.enroll(body)));
      }
      case AGENT_PATHS.heartbeat: {
        const agent = agentIdentityOf(socket);
        const body = await readJson(req);
        const closed = new AbortController();
        res.once('close', () => closed.abort());
        return sendJson(res, 200, await agents.heartbeat(agent, body, { signal: closed.signal, remoteAddress: socket.remoteAddress, admit }));
      }
      case AGENT_PATHS.renew: {
        const agent = agentIdentityOf(socket);
        const body = await readJson(req);
        return sendJson(res, 200, await admit(() => agents.renew(agent, body)));
      }
      case AGENT_PATHS.runtimeHandshake: {
        // The host is the certificate's instance: the body names none.
        const agent = agentIdentityOf(socket);
        const body = await readJson(req);
        return sendJson(res, 200, await admit(() => runtimes.handshake(agent, body)));
      }
      default:
        throw new PlatformError('NotFound', `no route ${req.method} ${path}`);
    }
  };
  return createServer(tlsOptions(identity()), (req, res) => {
    route(req, res).catch((error: unknown) => sendError(res, error, logger));
  });
}
