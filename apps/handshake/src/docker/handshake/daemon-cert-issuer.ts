import { PlatformError, caActions } from '@powernode/contracts';
import { certificateInfo } from '@powernode/pki';
import type { RpcClient } from '@powernode/service-kit';
import type { DaemonCertificates } from './daemon-certificates.js';
import { daemonHostName } from './daemon-host-name.js';

type Signed = ReturnType<typeof caActions.caSign.output.parse>;

export interface SignedDaemonCertificate {
  serial: string;
  notAfter: string;
  certPem: string;
  chainPem: string[];
}

/** What the CA says when it is not there (no responders, no answer, adapter down): the agent retries later. */
const CA_DOWN = new Set(['ServiceUnavailable', 'Timeout', 'CaUnavailable']);

export function isCaOutage(error: unknown): boolean {
  return error instanceof PlatformError && CA_DOWN.has(error.code);
}

/**
 * Asks the CA for a `docker-daemon-server` certificate. The subject comes from platform state (the instance,
 * its overlay /128, its DNS name): whatever names the CSR asks for, the CA ignores them. The certificate is
 * kept (public material) so a repeated wants_cert with the same key gets it back without another signature.
 */
export class DaemonCertIssuer {
  constructor(
    private readonly rpc: RpcClient,
    private readonly store: DaemonCertificates,
    private readonly hostDomain: string,
    /** Asked-for lifetime; undefined leaves it to the CA profile. */
    private readonly ttlSeconds?: number,
  ) {}

  async sign(host: { hostId: string; instanceId: string; overlay: string; publicKeySha256: string }, csrPem: string): Promise<SignedDaemonCertificate> {
    const subject = { instance_id: host.instanceId, overlay_address: host.overlay, host_name: daemonHostName(host.instanceId, this.hostDomain) };
    let signed: Signed;
    try {
      signed = (await this.rpc.callInternal(caActions.caSign, { profile: 'docker-daemon-server', csr_pem: csrPem, subject, ...(this.ttlSeconds === undefined ? {} : { ttl_seconds: this.ttlSeconds }) }, 'handshake')) as Signed;
    } catch (error) {
      if (isCaOutage(error)) throw new PlatformError('CaUnavailable', `the CA cannot sign the daemon certificate now: ${(error as Error).message}`, { retry: true });
      throw error;
    }
    const serial = certificateInfo(signed.cert_pem).serial;
    await this.store.save(host.hostId, serial, host.publicKeySha256, signed.cert_pem, signed.chain_pem, signed.not_after);
    return { serial, notAfter: new Date(signed.not_after).toISOString(), certPem: signed.cert_pem, chainPem: signed.chain_pem };
  }

  async stored(serial: string, notAfter: string): Promise<SignedDaemonCertificate | undefined> {
    const found = await this.store.find(serial);
    return found && { serial, notAfter, ...found };
  }
}
