import { X509Certificate, createPrivateKey } from 'node:crypto';
import { certificateInfo, sha256Fingerprint, splitPemBundle } from '@powernode/pki';
import type { Validity } from './renewal-timing.js';

/** The agent's enrolled identity: its key, its certificate, and the platform CA chain it trusts. */
export interface AgentIdentity {
  instanceId: string;
  keyPem: string;
  /** The agent-identity leaf only. */
  certPem: string;
  /** Issuing intermediate(s) first, the pinned root last. */
  chainPem: string[];
}

export function rootOf(identity: Pick<AgentIdentity, 'chainPem'>): string {
  const root = identity.chainPem.at(-1);
  if (root === undefined) throw new Error('identity has an empty CA chain');
  return root;
}

/** What the agent presents in mTLS: its leaf and the intermediates (the server already holds the root). */
export function clientCertChain(identity: AgentIdentity): string {
  return [identity.certPem, ...identity.chainPem.slice(0, -1)].join('');
}

export function validityOf(identity: AgentIdentity): Validity {
  const { notBefore, notAfter } = certificateInfo(identity.certPem);
  return { notBefore, notAfter };
}

/** Lowercase hex SHA-256 of the pinned root's DER. */
export function rootFingerprint(identity: Pick<AgentIdentity, 'chainPem'>): string {
  return sha256Fingerprint(rootOf(identity));
}

/** True when `certPem` certifies the public half of `keyPem`. */
export function certificateMatchesKey(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/** Why a stored identity cannot be used now, or undefined when it can. */
export function identityProblem(identity: AgentIdentity, now: Date, expectedRootFingerprint?: string): string | undefined {
  let validity: Validity;
  try {
    validity = validityOf(identity);
  } catch {
    return 'cert.pem is not a certificate';
  }
  if (now < validity.notBefore) return `certificate is not valid before ${validity.notBefore.toISOString()}`;
  if (now >= validity.notAfter) return `certificate expired at ${validity.notAfter.toISOString()}`;
  if (!certificateMatchesKey(identity.certPem, identity.keyPem)) return 'key.pem does not match cert.pem';
  if (identity.chainPem.length === 0) return 'ca.pem is empty';
  if (!issuedBy(identity.certPem, identity.chainPem)) return 'cert.pem was not issued by the CA in ca.pem';
  if (expectedRootFingerprint !== undefined && rootFingerprint(identity) !== expectedRootFingerprint) {
    return "ca.pem's root differs from the bootstrap token's pin (the machine moved to another platform)";
  }
  return undefined;
}

/** The leaf is signed by the first certificate of the chain (the issuing CA). */
function issuedBy(certPem: string, chainPem: string[]): boolean {
  try {
    const issuer = new X509Certificate(chainPem[0] as string);
    return new X509Certificate(certPem).verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Splits a PEM bundle into certificates; throws on anything that is not one. */
export function certificatesOf(bundle: string): string[] {
  const blocks = splitPemBundle(bundle);
  if (blocks.some((block) => !block.startsWith('-----BEGIN CERTIFICATE-----'))) throw new Error('bundle holds a non-certificate PEM block');
  return blocks;
}
