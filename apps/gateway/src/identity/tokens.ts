import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** A new bearer token: 256 random bits, recognisable by its prefix. Only its hash is stored. */
export function newToken(): { tokenId: string; token: string; sha256: string } {
  const token = `pn_${randomBytes(32).toString('base64url')}`;
  return { tokenId: `tok-${randomUUID()}`, token, sha256: sha256Hex(token) };
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
