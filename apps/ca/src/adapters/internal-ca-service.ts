import type { CryptoKey } from '@powernode/pki';

/** Names the CA (not the CSR) puts in a certificate; decided from platform state by the profile. */
export interface CertificateNames {
  commonName: string;
  dnsSans: string[];
  ipSans: string[];
}

export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

/** What an adapter is asked to sign: the CSR (already verified) plus everything the platform decided. */
export interface SignRequest {
  csrPem: string;
  profile: string;
  names: CertificateNames;
  extendedKeyUsages: ExtendedKeyUsage[];
  ttlSeconds: number;
  /** The CSR's key, when the caller already verified the CSR (saves a second parse and signature check). */
  verifiedPublicKey?: CryptoKey;
}

export interface SignedCertificate {
  certificatePem: string;
  /** Issuing chain, leaf's issuer first, root last. */
  chainPem: string[];
  /** Lowercase hex without separators, as `openssl x509 -serial` prints it (minus leading zeros). */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the certificate's DER, lowercase hex. */
  fingerprintSha256: string;
}

export interface CaPreflight {
  canSign: boolean;
  chainValid: boolean;
  /** Days until the issuing intermediate expires (negative when expired). */
  intermediateDaysLeft: number;
  error?: string;
}

export type CaAdapterName = 'LocalCaAdapter' | 'VaultCaAdapter';

/**
 * The platform's CA behind one interface. Adapters throw PlatformError:
 * `CaUnavailable` (the backend is down or slow; retrying later may work),
 * `CaRejected` (the backend refused this request), `NotFound` (unknown serial).
 */
export interface InternalCaService {
  readonly adapterName: CaAdapterName;
  sign(request: SignRequest): Promise<SignedCertificate>;
  /** Idempotent: revoking a revoked serial succeeds. */
  revoke(serial: string, reason: string): Promise<void>;
  /** [intermediate…, root] */
  caChain(): Promise<string[]>;
  /** The current CRL. */
  crl(): Promise<{ pem: string; der: Buffer }>;
  preflight(): Promise<CaPreflight>;
  close?(): Promise<void>;
}
