import { createHash, randomBytes } from 'node:crypto';

/** A new bootstrap token pinning the CA root: `pnb1.<root SHA-256>.<256-bit secret, base64url>`. */
export function newBootstrapToken(rootSha256: string): string {
  return `pnb1.${rootSha256}.${randomBytes(32).toString('base64url')}`;
}

/** What is stored instead of the token. */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
