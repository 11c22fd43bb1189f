import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { BasicConstraintsExtension, type X509Certificate } from '@peculiar/x509';
import { isCaCertificate, parseCertificate } from './issuer.js';

export interface ChainVerdict {
  valid: boolean;
  reason?: string;
}

interface ChainLink {
  parsed: X509Certificate;
  native: NodeX509Certificate;
  label: string;
}

/**
 * Verifies leaf → intermediates… → root (last, self-signed): each link's issuer and signature,
 * every validity window at `at` (default now), CA flags and path lengths above the leaf.
 */
export async function verifyChain(leafPem: string, chainPem: string[], options: { at?: Date } = {}): Promise<ChainVerdict> {
  if (chainPem.length === 0) return invalid('chain is empty: the root must be last');
  const links: ChainLink[] = [];
  for (const [index, pem] of [leafPem, ...chainPem].entries()) {
    const link = parseLink(pem, index);
    if (typeof link === 'string') return invalid(link);
    links.push(link);
  }
  const at = options.at ?? new Date();
  for (const link of links) {
    if (at < link.parsed.notBefore) return invalid(`${link.label} is not valid before ${link.parsed.notBefore.toISOString()}`);
    if (at > link.parsed.notAfter) return invalid(`${link.label} expired at ${link.parsed.notAfter.toISOString()}`);
  }
  for (const [index, link] of links.entries()) {
    if (index === 0) continue;
    if (!isCaCertificate(link.parsed)) return invalid(`${link.label} is not a CA`);
    const pathLength = link.parsed.getExtension(BasicConstraintsExtension)?.pathLength;
    // Intermediates between this CA and the leaf (all ours are distinct, none self-issued).
    if (pathLength !== undefined && index - 1 > pathLength) return invalid(`${link.label} path length ${pathLength} exceeded`);
  }
  for (const [index, child] of links.entries()) {
    const parent = links[index + 1] ?? child; // the root signs itself
    if (!child.native.checkIssued(parent.native)) return invalid(`${child.label} was not issued by ${parent.label}`);
    if (!child.native.verify(parent.native.publicKey)) return invalid(`signature of ${child.label} does not verify with ${parent.label}'s key`);
  }
  return { valid: true };
}

function parseLink(pem: string, index: number): ChainLink | string {
  try {
    const parsed = parseCertificate(pem);
    const commonName = parsed.subjectName.getField('CN')[0] ?? '?';
    return { parsed, native: new NodeX509Certificate(Buffer.from(parsed.rawData)), label: `${index === 0 ? 'leaf' : `chain[${index - 1}]`} "${commonName}"` };
  } catch {
    return `${index === 0 ? 'leaf' : `chain[${index - 1}]`} is not a valid certificate`;
  }
}

function invalid(reason: string): ChainVerdict {
  return { valid: false, reason };
}
