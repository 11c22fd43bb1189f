import { X509Certificate } from 'node:crypto';

const DAY_MS = 86_400_000;

export interface CaChainHealth {
  valid: boolean;
  /** Days until chain[0] (the issuing intermediate) expires; negative once it has. */
  intermediateDaysLeft: number;
  problems: string[];
}

/** Checks [intermediate…, root]: every link signed by the next, all currently valid, a last self-signed root verifies itself. */
export function checkCaChain(pems: string[], now: Date): CaChainHealth {
  if (pems.length === 0) return { valid: false, intermediateDaysLeft: Number.NaN, problems: ['CA chain is empty'] };
  const problems: string[] = [];
  const certs = pems.map((pem) => new X509Certificate(pem));
  certs.forEach((cert, index) => {
    if (!cert.ca) problems.push(`chain[${index}] ${cert.subject} is not a CA`);
    if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) problems.push(`chain[${index}] ${cert.subject} is outside its validity`);
    const issuer = certs[index + 1] ?? (cert.checkIssued(cert) ? cert : undefined);
    // A chain that stops below a root (Vault's ca_chain without the root imported) has nothing to check the last link with.
    if (issuer !== undefined && (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey))) {
      problems.push(`chain[${index}] ${cert.subject} does not verify against ${issuer === cert ? 'itself' : `chain[${index + 1}]`}`);
    }
  });
  const intermediateDaysLeft = Math.floor((new Date(certs[0]!.validTo).getTime() - now.getTime()) / DAY_MS);
  return { valid: problems.length === 0, intermediateDaysLeft, problems };
}
