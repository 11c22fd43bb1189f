import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The exported operator certificate (docker_export_operator_cert's answer). */
export interface OperatorCert {
  ca_pem: string;
  cert_pem: string;
  key_pem?: string;
}

export interface OperatorCertFiles {
  ca: string;
  cert: string;
  key: string;
}

/** Writes `operator-{ca,cert,key}.pem` into `dir` (0700), the key 0600, as the tutorial says. */
export async function writeOperatorCert(dir: string, cert: OperatorCert): Promise<OperatorCertFiles> {
  if (!cert.key_pem) throw new Error('docker_export_operator_cert returned no private key');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = { ca: join(dir, 'operator-ca.pem'), cert: join(dir, 'operator-cert.pem'), key: join(dir, 'operator-key.pem') };
  await writeFile(files.ca, cert.ca_pem);
  // As exported: the certificate followed by its intermediate, which dockerd (trusting the platform root) needs to see.
  await writeFile(files.cert, cert.cert_pem);
  await writeFile(files.key, cert.key_pem, { mode: 0o600 });
  await chmod(files.key, 0o600); // an existing file keeps its old mode otherwise
  return files;
}

/** Debian's docker CLI, else a local install. */
export function dockerCli(): string {
  const found = ['/usr/bin/docker', '/usr/local/bin/docker'].find((path) => existsSync(path));
  if (!found) throw new Error('no docker CLI (/usr/bin/docker or /usr/local/bin/docker): apt-get install docker.io');
  return found;
}

/** The argument list of `docker --tlsverify … -H tcp://[<overlay>]:2376 <command…>`. */
export function dockerTlsArgs(files: OperatorCertFiles, endpoint: string, command: string[]): string[] {
  return ['--tlsverify', '--tlscacert', files.ca, '--tlscert', files.cert, '--tlskey', files.key, '-H', endpoint, ...command];
}

/** Runs the docker CLI against a managed daemon with the operator certificate; its stdout. */
export async function runDocker(files: OperatorCertFiles, endpoint: string, command: string[]): Promise<string> {
  // No DOCKER_HOST/DOCKER_CONTEXT from the caller's shell may redirect it; -H names the daemon.
  const { DOCKER_HOST: _host, DOCKER_CONTEXT: _context, DOCKER_TLS_VERIFY: _verify, DOCKER_CERT_PATH: _path, ...env } = process.env;
  const { stdout } = await run(dockerCli(), dockerTlsArgs(files, endpoint, command), { env, timeout: 30_000 });
  return stdout;
}
