import { caActions } from '@powernode/contracts';
import { buildCsr, exportPrivateKeyPem, generateKeyPair } from '@powernode/pki';
import type { RpcClient } from '@powernode/service-kit';

type Signed = ReturnType<typeof caActions.caSign.output.parse>;

/** The registry's TLS identity: a key generated here (it never leaves the process) and its platform-server certificate. */
export interface RegistryCertificate {
  keyPem: string;
  /** The leaf followed by its intermediates: what the registry serves, so a client holding only the root can build the chain. */
  servedPem: string;
  /** The platform root, to verify our own push. */
  rootPem: string;
  notBefore: Date;
  notAfter: Date;
}

/** Asks the CA (internal ca_sign) for a platform-server certificate naming the registry's IP. */
export async function obtainRegistryCertificate(rpc: RpcClient, ip: string, now = new Date()): Promise<RegistryCertificate> {
  const keys = await generateKeyPair('ECDSA-P256');
  const csr = await buildCsr({ keys, commonName: 'powernode-platform-registry' });
  const input = { profile: 'platform-server', csr_pem: csr, subject: { ip_addresses: [ip] } };
  const signed = (await rpc.callInternal(caActions.caSign, input, 'docker-proxy')) as Signed;
  const intermediates = signed.chain_pem.slice(0, -1);
  return {
    keyPem: await exportPrivateKeyPem(keys.privateKey),
    servedPem: [signed.cert_pem, ...intermediates].map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)).join(''),
    rootPem: signed.chain_pem[signed.chain_pem.length - 1]!,
    notBefore: now,
    notAfter: new Date(signed.not_after),
  };
}

/** When to renew: at two thirds of the certificate's life. */
export function renewAt(certificate: Pick<RegistryCertificate, 'notBefore' | 'notAfter'>): Date {
  const { notBefore, notAfter } = certificate;
  return new Date(notBefore.getTime() + ((notAfter.getTime() - notBefore.getTime()) * 2) / 3);
}
