import type { SignRequest } from '../../internal-ca-service.js';

/** A daemon-cert-like sign request: the names the platform decided, whatever the CSR says. */
export function signRequest(csrPem: string, overrides: Partial<SignRequest> = {}): SignRequest {
  return {
    csrPem,
    profile: 'node',
    names: { commonName: 'node-1.hosts.powernode.internal', dnsSans: ['node-1.hosts.powernode.internal'], ipSans: ['fd12:3456:789a:1::5'] },
    extendedKeyUsages: ['serverAuth', 'clientAuth'],
    ttlSeconds: 3600,
    ...overrides,
  };
}
