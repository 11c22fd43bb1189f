import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir } from './config.js';
import { CliError } from './errors.js';
import type { PlatformClient } from './http-client.js';
import type { OperatorCert } from './types.js';

/** File names for the CA, the certificate and the key. */
export interface CertFileNames {
  ca: string;
  cert: string;
  key: string;
}

/** `powernode cert export`'s names, and the ones the Docker CLI reads from DOCKER_CERT_PATH. */
export const OPERATOR_FILES: CertFileNames = { ca: 'operator-ca.pem', cert: 'operator-cert.pem', key: 'operator-key.pem' };
export const DOCKER_FILES: CertFileNames = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' };

export interface ExportedCert {
  serial: string;
  not_after: string;
  dir: string;
  files: { ca: string; cert: string; key: string };
}

/**
 * Asks the platform for a fresh operator client certificate (no CSR: it generates the key and returns it once)
 * and writes CA chain, certificate (with its intermediates) and key into `dir` (0700), the key 0600.
 */
export async function exportOperatorCert(client: PlatformClient, dir: string, names: CertFileNames, ttl?: string): Promise<ExportedCert> {
  const out = await client.call<OperatorCert>('docker_export_operator_cert', ttl ? { ttl } : {});
  if (!out.key_pem) throw new CliError('BadResponse', 'the platform returned no private key for a certificate exported without a CSR');
  await ensurePrivateDir(dir);
  const files = { ca: join(dir, names.ca), cert: join(dir, names.cert), key: join(dir, names.key) };
  await writeMode(files.key, out.key_pem, 0o600);
  // The platform's cert_pem is the certificate followed by its intermediate, as the Docker CLI must present it.
  await writeMode(files.cert, out.cert_pem, 0o644);
  await writeMode(files.ca, out.ca_pem, 0o644);
  return { serial: out.serial, not_after: out.not_after, dir, files };
}

async function writeMode(path: string, text: string, mode: number): Promise<void> {
  await writeFile(path, text.endsWith('\n') ? text : text + '\n', { mode });
  await chmod(path, mode); // an existing file keeps its old mode otherwise
}
