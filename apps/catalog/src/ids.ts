import { createHash, randomBytes } from 'node:crypto';

// Fixed namespace for name-derived ids (RFC 4122 §4.3, version 5).
const NAMESPACE = Buffer.from('6b0c3a4e5f2d4c1b9e8a7d6c5b4a3f2e', 'hex');

function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A module's id follows from its name and version, so "name + version is unique" is enforced by the
 * event store itself: two publishers of the same version race for one aggregate and one gets Conflict.
 */
export function moduleIdFor(name: string, version: string): string {
  return `mod-${uuidV5(`module:${name}@${version}`)}`;
}

/** A template's id follows from its name, for the same reason (and so the seed is the same everywhere). */
export function templateIdFor(name: string): string {
  return `tpl-${uuidV5(`template:${name}`)}`;
}

/** Short enough for the local provider's namespace and interface names (`pn-<8 hex>`). */
export function newInstanceId(): string {
  return `inst-${randomBytes(4).toString('hex')}`;
}
