import { createHash } from 'node:crypto';
import { PlatformError } from '@powernode/contracts';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

export interface PemBlock {
  label: string;
  der: Buffer;
}

/** Every PEM block in `text`, decoded; throws InvalidInput on a block whose body is not base64. */
export function readPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const label = match[1] as string;
    const body = (match[2] as string).replace(/\s+/g, '');
    if (body.length === 0 || body.length % 4 !== 0 || !BASE64_BODY.test(body)) {
      throw new PlatformError('InvalidInput', `PEM block "${label}" is not valid base64`);
    }
    blocks.push({ label, der: Buffer.from(body, 'base64') });
  }
  return blocks;
}

/** The single PEM block in `pem` (optionally of one label); anything else is InvalidInput. */
export function readSinglePem(pem: string, label?: string): PemBlock {
  const blocks = readPemBlocks(pem);
  const [block] = blocks;
  if (blocks.length !== 1 || block === undefined) {
    throw new PlatformError('InvalidInput', `expected exactly one PEM block, found ${blocks.length}`);
  }
  if (label !== undefined && block.label !== label) {
    throw new PlatformError('InvalidInput', `expected a "${label}" PEM block, found "${block.label}"`);
  }
  return block;
}

/** DER bytes of the single PEM block in `pem`. */
export function pemToDer(pem: string): Buffer {
  return readSinglePem(pem).der;
}

/** PEM text (64-column base64, trailing newline) for DER bytes under `label`. */
export function derToPem(der: Buffer | ArrayBuffer, label: string): string {
  if (!/^[A-Z0-9 ]+$/.test(label)) throw new PlatformError('InvalidInput', `invalid PEM label "${label}"`);
  const base64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Each PEM block of a bundle, re-encoded canonically, in order. */
export function splitPemBundle(pem: string): string[] {
  return readPemBlocks(pem).map((block) => derToPem(block.der, block.label));
}

/** Lowercase hex SHA-256 of the DER (a PEM is decoded first). */
export function sha256Fingerprint(pemOrDer: string | Buffer): string {
  const der = typeof pemOrDer === 'string' ? pemToDer(pemOrDer) : pemOrDer;
  return createHash('sha256').update(der).digest('hex');
}
