import { PlatformError } from '@powernode/contracts';
import { splitPemBundle } from '@powernode/pki';
import { z } from 'zod';
import type { CaPreflight, InternalCaService, SignedCertificate, SignRequest } from '../internal-ca-service.js';
import { checkCaChain } from './ca-chain-check.js';
import { checkIssuedCertificate } from './issued-certificate-check.js';
import { toPlatformSerial, toVaultSerial } from './serial-format.js';
import { resolveVaultCaConfig, type ResolvedVaultCaConfig, type VaultCaConfig } from './vault-config.js';
import { VaultHttpClient, vaultErrorsOf, vaultStatusOf } from './vault-http-client.js';
import { AppRoleVaultToken, StaticVaultToken, type VaultTokenSource } from './vault-token-source.js';

const signResponse = z.object({
  data: z.object({
    certificate: z.string().min(1),
    issuing_ca: z.string().min(1),
    ca_chain: z.array(z.string()).nullish(),
    serial_number: z.string().min(1),
    expiration: z.number(),
  }),
});

const capabilitiesResponse = z.object({ capabilities: z.array(z.string()) });

/** InternalCaService over Vault's PKI secrets engine HTTP API (/v1/<mount>/sign/<role>, revoke, ca_chain, crl). */
export class VaultCaAdapter implements InternalCaService {
  readonly adapterName = 'VaultCaAdapter' as const;
  private readonly config: ResolvedVaultCaConfig;
  private readonly http: VaultHttpClient;
  private readonly tokens: VaultTokenSource;

  constructor(config: VaultCaConfig) {
    this.config = resolveVaultCaConfig(config);
    this.http = new VaultHttpClient(this.config);
    const { auth } = this.config;
    this.tokens = 'token' in auth ? new StaticVaultToken(auth.token) : new AppRoleVaultToken(this.http, this.config, auth);
  }

  async sign(request: SignRequest): Promise<SignedCertificate> {
    const role = this.config.profileRoles[request.profile] ?? this.config.role;
    const requestedAt = new Date();
    const body = await this.authenticated((token) =>
      this.http.json<unknown>({
        method: 'POST',
        path: `${this.config.mount}/sign/${role}`,
        token,
        body: {
          csr: request.csrPem,
          common_name: request.names.commonName,
          alt_names: request.names.dnsSans.join(','),
          ip_sans: request.names.ipSans.join(','),
          ttl: `${request.ttlSeconds}s`,
          format: 'pem',
          // The platform lists every SAN itself; the CN is a label, not a name to trust.
          exclude_cn_from_sans: true,
        },
      }),
    );
    const parsed = signResponse.safeParse(body);
    if (!parsed.success) throw new PlatformError('CaUnavailable', `Vault sign answered an unexpected shape: ${parsed.error.message}`);
    const { certificate, issuing_ca, ca_chain, serial_number } = parsed.data.data;
    const issued = await checkIssuedCertificate(certificate, { request, requestedAt, issuingCaPem: issuing_ca, vaultSerial: serial_number });
    const chainPem = (ca_chain !== undefined && ca_chain !== null && ca_chain.length > 0 ? ca_chain : [issuing_ca]).map(normalizePem);
    return { ...issued, chainPem };
  }

  async revoke(serial: string, reason: string): Promise<void> {
    const vaultSerial = toVaultSerial(serial);
    // Vault's revoke takes no reason (its CRL entries carry none); keep it in our logs.
    this.config.logger?.info({ serial: toPlatformSerial(serial), reason }, 'revoking certificate in Vault');
    try {
      await this.authenticated((token) =>
        this.http.json<unknown>({ method: 'POST', path: `${this.config.mount}/revoke`, token, body: { serial_number: vaultSerial } }),
      );
    } catch (error) {
      if (vaultStatusOf(error) === 400 && vaultErrorsOf(error).some((message) => /not found/i.test(message))) {
        throw new PlatformError('NotFound', `Vault has no certificate with serial ${toPlatformSerial(serial)}`, { serial: toPlatformSerial(serial) });
      }
      throw error;
    }
  }

  async caChain(): Promise<string[]> {
    const bundle = await this.http.text({ method: 'GET', path: `${this.config.mount}/ca_chain` });
    const chain = pemBlocks(bundle, 'CERTIFICATE');
    if (chain.length === 0) throw new PlatformError('CaUnavailable', 'Vault ca_chain returned no certificates');
    return chain;
  }

  async crl(): Promise<{ pem: string; der: Buffer }> {
    const [pem, der] = await Promise.all([
      this.http.text({ method: 'GET', path: `${this.config.mount}/crl/pem` }),
      this.http.bytes({ method: 'GET', path: `${this.config.mount}/crl` }),
    ]);
    // Vault writes "X509 CRL"; accept the RFC 7468 "CRL" label as well.
    const [crlPem] = [...pemBlocks(pem, 'X509 CRL'), ...pemBlocks(pem, 'CRL')];
    if (crlPem === undefined || der.length === 0) throw new PlatformError('CaUnavailable', 'Vault returned an empty CRL');
    return { pem: crlPem, der };
  }

  /** Never throws: reports whether this token may sign under the role, whether the chain verifies, and the intermediate's days left. */
  async preflight(): Promise<CaPreflight> {
    const errors: string[] = [];
    const signPath = `${this.config.mount}/sign/${this.config.role}`;
    let canSign = false;
    try {
      // capabilities-self needs no read access to the role, so a least-privilege sign-only policy passes it.
      const body = await this.authenticated((token) =>
        this.http.json<unknown>({ method: 'POST', path: 'sys/capabilities-self', token, body: { paths: [signPath] } }),
      );
      const parsed = capabilitiesResponse.safeParse(body);
      const capabilities = parsed.success ? parsed.data.capabilities : [];
      canSign = capabilities.includes('update') || capabilities.includes('root');
      if (!canSign) errors.push(`token may not sign at ${signPath} (capabilities: ${capabilities.join(',') || 'none'})`);
    } catch (error) {
      errors.push(messageOf(error));
    }
    let chainValid = false;
    let intermediateDaysLeft = Number.NaN;
    try {
      const health = checkCaChain(await this.caChain(), new Date());
      chainValid = health.valid;
      intermediateDaysLeft = health.intermediateDaysLeft;
      errors.push(...health.problems);
    } catch (error) {
      errors.push(messageOf(error));
    }
    return errors.length === 0 ? { canSign, chainValid, intermediateDaysLeft } : { canSign, chainValid, intermediateDaysLeft, error: errors.join('; ') };
  }

  async close(): Promise<void> {
    this.tokens.close();
  }

  /** Runs an authenticated call; on 403 "permission denied" an AppRole adapter logs in again once and retries once. */
  private async authenticated<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.tokens.token();
    try {
      return await call(token);
    } catch (error) {
      const denied = vaultStatusOf(error) === 403 && vaultErrorsOf(error).some((message) => /permission denied/i.test(message));
      if (!denied || !(await this.tokens.refresh(token))) throw error;
      this.config.logger?.warn({}, 'Vault rejected the AppRole token; logged in again');
      return call(await this.tokens.token());
    }
  }
}

/** The blocks of one label in a PEM text Vault served; a garbled body is Vault's fault, not the caller's. */
function pemBlocks(text: string, label: string): string[] {
  try {
    return splitPemBundle(text).filter((pem) => pem.startsWith(`-----BEGIN ${label}-----`));
  } catch (error) {
    throw new PlatformError('CaUnavailable', `Vault served malformed PEM: ${messageOf(error)}`);
  }
}

function normalizePem(pem: string): string {
  return pem.trim().replace(/\r\n/g, '\n') + '\n';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
