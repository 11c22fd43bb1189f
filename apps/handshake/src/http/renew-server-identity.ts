import type { Server } from 'node:https';
import { certificateInfo } from '@powernode/pki';
import type { Logger, RpcClient } from '@powernode/service-kit';
import { tlsOptions } from './agent-server.js';
import { obtainServerIdentity, renewDelayMs, type ServerIdentity } from './server-identity.js';

/** Renews the server certificate (with a new key) at two thirds of its life; returns the stop function. */
export function keepServerIdentityFresh(server: Server, rpc: RpcClient, logger: Logger, current: () => ServerIdentity, replace: (next: ServerIdentity) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => void tick(), delayMs);
    timer.unref();
  };
  const tick = async () => {
    const info = certificateInfo(current().certPem);
    const due = renewDelayMs(info.notBefore, info.notAfter);
    if (due > 1_000) return schedule(due);
    try {
      const next = await obtainServerIdentity(rpc, logger);
      server.setSecureContext(tlsOptions(next));
      replace(next);
      logger.info({ not_after: next.notAfter.toISOString() }, 'handshake server certificate renewed');
      schedule(60_000);
    } catch (error) {
      logger.error({ err: error }, 'handshake server certificate renewal failed; retrying');
      schedule(60_000);
    }
  };
  const info = certificateInfo(current().certPem);
  schedule(renewDelayMs(info.notBefore, info.notAfter));
  return () => clearTimeout(timer);
}
