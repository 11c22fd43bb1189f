import { caActions, PlatformError } from '@powernode/contracts';
import { buildCsr, certificateInfo, exportPrivateKeyPem, generateKeyPair } from '@powernode/pki';
import type { Logger, RpcClient } from '@powernode/service-kit';

type Signed = ReturnType<typeof caActions.caSign.output.parse>;

/** TLS material for connecting to daemons: the platform's client certificate and the CA that signs daemons. */
export interface PlatformClientTls {
  key: string;
  /** Leaf then issuing intermediate, so a daemon that trusts only the root still chains it. */
  cert: string;
  /** The platform chain: daemon certificates must chain to it. */
  ca: string[];
}

interface Identity {
  tls: PlatformClientTls;
  notBefore: number;
  notAfter: number;
}

/**
 * The platform's own identity towards dockerd (`docker-platform-client`: clientAuth, CN powernode-platform).
 * The key is generated here and never leaves the process. The certificate is obtained on first use and renewed
 * (with a new key) once two thirds of its life have passed: dockerd checks no CRL, so it must stay short-lived.
 * A renewal runs in the background while the current certificate still works; only an expired one waits.
 */
export class PlatformDockerClient {
  private current?: Identity;
  private pending?: Promise<Identity>;

  constructor(
    private readonly rpc: RpcClient,
    private readonly logger: Logger,
    /** The platform service asking (recorded as the CA request's caller). */
    private readonly service: string,
    private readonly now: () => number = Date.now,
  ) {}

  async tls(): Promise<PlatformClientTls> {
    const identity = this.current;
    const now = this.now();
    if (!identity || now >= identity.notAfter) return (await this.renew()).tls;
    if (now >= identity.notBefore + ((identity.notAfter - identity.notBefore) * 2) / 3) {
      this.renew().catch((error: unknown) => this.logger.warn({ err: error }, 'platform docker client certificate renewal failed; will retry'));
    }
    return identity.tls;
  }

  private renew(): Promise<Identity> {
    this.pending ??= this.obtain().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async obtain(): Promise<Identity> {
    const keys = await generateKeyPair('ECDSA-P256');
    const csr = await buildCsr({ keys, commonName: 'powernode-platform' });
    let signed: Signed;
    try {
      signed = (await this.rpc.callInternal(caActions.caSign, { profile: 'docker-platform-client', csr_pem: csr, subject: {} }, this.service)) as Signed;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ServiceUnavailable' || code === 'Timeout' || code === 'CaUnavailable') {
        throw new PlatformError('CaUnavailable', `the platform cannot get its docker client certificate: ${(error as Error).message}`);
      }
      throw error;
    }
    const info = certificateInfo(signed.cert_pem);
    const identity: Identity = {
      tls: { key: await exportPrivateKeyPem(keys.privateKey), cert: signed.cert_pem + (signed.chain_pem[0] ?? ''), ca: signed.chain_pem },
      notBefore: info.notBefore.getTime(),
      notAfter: info.notAfter.getTime(),
    };
    this.current = identity;
    this.logger.info({ serial: info.serial, not_after: info.notAfter.toISOString() }, 'platform docker client certificate obtained');
    return identity;
  }
}
