import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, rename, rm, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { agentProtocol } from '@powernode/contracts';
import { buildCsr, certificateInfo, exportPrivateKeyPem, generateKeyPair, importPrivateKeyPem, normalizeIp, sha256Fingerprint, splitPemBundle } from '@powernode/pki';
import { syncDirectory, writeFileAtomic } from '../../atomic-file.js';
import { isRenewalDue } from '../../renewal-timing.js';

const FILES = agentProtocol.DOCKER_TLS_FILES;
/** A key waiting for its certificate: reused on retry, so a repeated `wants_cert` carries the same key. */
const PENDING_KEY = 'server-key.pending.pem';

/** The daemon's TLS material as it is on disk. */
export interface DaemonTls {
  keyPem: string;
  /** server-cert.pem: the leaf, then the intermediates. */
  certPem: string;
  /** ca.pem: the root the daemon checks client certificates against. */
  caPem: string;
}

export interface DaemonCertFacts {
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

type IssuedDaemonCert = NonNullable<agentProtocol.RuntimeHandshakeResponse['certificate']>;

export async function readDaemonTls(dir: string): Promise<DaemonTls | undefined> {
  try {
    const [keyPem, certPem, caPem] = await Promise.all([FILES.key, FILES.cert, FILES.ca].map((name) => readFile(join(dir, name), 'utf8')));
    return { keyPem: keyPem as string, certPem: certPem as string, caPem: caPem as string };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function daemonCertFacts(tls: Pick<DaemonTls, 'certPem'>): DaemonCertFacts {
  const { serial, notBefore, notAfter } = certificateInfo(splitPemBundle(tls.certPem)[0] ?? '');
  return { serial, notBefore, notAfter };
}

/**
 * Why the daemon needs a new certificate, or undefined when the one on disk serves: it must exist, match the
 * key, name the overlay (a moved overlay needs a new SAN), chain to the platform root, and not be due for
 * renewal (2/3 of its life, like the agent's own).
 */
export function daemonCertProblem(tls: DaemonTls | undefined, expected: { overlay: string; rootPem: string; now: Date }): string | undefined {
  if (tls === undefined) return 'no daemon certificate yet';
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(splitPemBundle(tls.certPem)[0] ?? '');
  } catch {
    return `${FILES.cert} is not a certificate`;
  }
  try {
    if (!leaf.checkPrivateKey(createPrivateKey(tls.keyPem))) return `${FILES.key} does not match ${FILES.cert}`;
  } catch {
    return `${FILES.key} is not a private key`;
  }
  const info = certificateInfo(leaf.toString());
  if (!info.ipAddresses.includes(normalizeIp(expected.overlay))) return `the certificate does not name the overlay ${expected.overlay}`;
  if (!sameCertificate(tls.caPem, expected.rootPem)) return `${FILES.ca} is not the platform root`;
  if (expected.now >= info.notAfter) return `the certificate expired at ${info.notAfter.toISOString()}`;
  if (isRenewalDue({ notBefore: info.notBefore, notAfter: info.notAfter }, expected.now)) return 'the certificate is due for renewal';
  return undefined;
}

/**
 * The pending key (generated on this node, 0600, never sent anywhere) and a CSR for it. `reuseCurrent`: the
 * platform asks for wants_cert again while the certificate on disk still serves (it starts its walk over after a
 * failure): ask with the current key, for which the platform returns the certificate it already signed.
 */
export async function pendingKeyAndCsr(dir: string, overlay: string, reuseCurrent = false): Promise<{ keyPem: string; csrPem: string }> {
  await ensureTlsDir(dir);
  const path = join(dir, PENDING_KEY);
  let keyPem: string;
  try {
    keyPem = await readFile(path, 'utf8');
  } catch {
    const current = reuseCurrent ? await readFile(join(dir, FILES.key), 'utf8').catch(() => undefined) : undefined;
    keyPem = current ?? (await exportPrivateKeyPem((await generateKeyPair('Ed25519')).privateKey));
    await writeFileAtomic(path, keyPem, 0o600);
  }
  const { privateKey, publicKey } = await importPrivateKeyPem(keyPem);
  // The CA decides the SANs from platform state; asking for the overlay only documents the intent.
  const csrPem = await buildCsr({ keys: { privateKey, publicKey }, commonName: 'powernode-dockerd', ipAddresses: [overlay] });
  return { keyPem, csrPem };
}

/**
 * Installs what `wants_cert` returned: server-cert.pem (leaf + intermediates) and ca.pem (the root), then the
 * pending key becomes server-key.pem. Each file is replaced atomically; a crash in between leaves a key that
 * does not match the certificate, which daemonCertProblem reports, so the next round asks again.
 */
export async function installDaemonCert(dir: string, issued: IssuedDaemonCert, keyPem: string): Promise<void> {
  const leaf = new X509Certificate(issued.cert_pem);
  if (!leaf.checkPrivateKey(createPrivateKey(keyPem))) throw new Error('the platform returned a daemon certificate for another key');
  const chain = issued.chain_pem.flatMap((pem) => splitPemBundle(pem));
  const root = chain.at(-1);
  if (root === undefined) throw new Error('the platform returned a daemon certificate without its chain');
  const intermediates = chain.slice(0, -1);
  await ensureTlsDir(dir);
  await writeFileAtomic(join(dir, FILES.cert), [issued.cert_pem, ...intermediates].map(withNewline).join(''), 0o644);
  await writeFileAtomic(join(dir, FILES.ca), withNewline(root), 0o644);
  await rename(join(dir, PENDING_KEY), join(dir, FILES.key));
  await syncDirectory(dir);
}

export async function removeDaemonTls(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

async function ensureTlsDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

function sameCertificate(a: string, b: string): boolean {
  try {
    return sha256Fingerprint(a) === sha256Fingerprint(b);
  } catch {
    return false;
  }
}

function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}
