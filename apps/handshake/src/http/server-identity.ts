import { agentProtocol, caActions } from '@powernode/contracts';
import { buildCsr, exportPrivateKeyPem, generateKeyPair, sha256Fingerprint } from '@powernode/pki';
import type { RpcClient, Logger } from '@powernode/service-kit';

type Signed = ReturnType<typeof caActions.caSign.output.parse>;

/** The handshake's TLS identity: a key generated here (it never leaves the process) and its platform-server cert. */
export interface ServerIdentity {
  keyPem: string;
  certPem: string;
  /** Issuing intermediate first, root last. */
  chainPem: string[];
  rootSha256: string;
  notAfter: Date;
}

/** Asks the CA (internal ca_sign) for a platform-server certificate, retrying while the CA is not up yet. */
export async function obtainServerIdentity(rpc: RpcClient, logger: Logger, deadlineMs = 60_000): Promise<ServerIdentity> {
  const keys = await generateKeyPair('ECDSA-P256');
  const csr = await buildCsr({ keys, commonName: agentProtocol.PLATFORM_SERVER_NAME });
  const input = { profile: 'platform-server', csr_pem: csr, subject: { dns_names: [agentProtocol.PLATFORM_SERVER_NAME, 'localhost'], ip_addresses: ['127.0.0.1', '::1'] } };
  const deadline = Date.now() + deadlineMs;
  for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      const signed = (await rpc.callInternal(caActions.caSign, input, 'handshake')) as Signed;
      const root = signed.chain_pem[signed.chain_pem.length - 1]!;
      return {
        keyPem: await exportPrivateKeyPem(keys.privateKey),
        certPem: signed.cert_pem,
        chainPem: signed.chain_pem,
        rootSha256: sha256Fingerprint(root),
        notAfter: new Date(signed.not_after),
      };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (Date.now() + delay > deadline || (code !== 'ServiceUnavailable' && code !== 'Timeout' && code !== 'CaUnavailable')) throw error;
      logger.info({ code }, 'waiting for the CA to sign the handshake server certificate');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** When to renew: at two thirds of the certificate's life (capped so timers stay in range). */
export function renewDelayMs(notBefore: Date, notAfter: Date, now = new Date()): number {
  const at = notBefore.getTime() + ((notAfter.getTime() - notBefore.getTime()) * 2) / 3;
  return Math.min(Math.max(at - now.getTime(), 1_000), 24 * 3600_000);
}
