import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlatformError } from '@powernode/contracts';
import { hostPort, renderRegistryConfig } from './registry-config.js';
import { registryRequest } from './registry-http.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';
const SETPRIV = '/usr/bin/setpriv';

export interface StartRegistryOptions {
  /** Holds config.yml, the TLS files, the log and the image storage (`storage/`). */
  dataDir: string;
  host: string;
  port: number;
  /** Server certificate PEM, followed by its intermediates (served as the chain). */
  certPem: string;
  keyPem: string;
  binary?: string;
  readyTimeoutMs?: number;
  /** Serve pulls only (no push, no delete). */
  readOnly?: boolean;
}

export interface RunningRegistry {
  /** `https://host:port`, the base for pushImage and the API. */
  url: string;
  /** `host:port`: what image references and `/etc/docker/certs.d/<…>` use. */
  address: string;
  pid: number;
  /** Stops the registry and waits until its process is gone. */
  stop(): Promise<void>;
}

/** Runs Debian's docker-registry (distribution) with TLS as a child process; resolves once `GET /v2/` answers 200. */
export async function startRegistry(options: StartRegistryOptions): Promise<RunningRegistry> {
  const tlsDir = join(options.dataDir, 'tls');
  await mkdir(tlsDir, { recursive: true, mode: 0o700 });
  const certificateFile = join(tlsDir, 'server.crt');
  const keyFile = join(tlsDir, 'server.key');
  await writeFile(certificateFile, options.certPem);
  await writeFile(keyFile, options.keyPem, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  const configFile = join(options.dataDir, 'config.yml');
  await writeFile(configFile, renderRegistryConfig({ storageDir: join(options.dataDir, 'storage'), host: options.host, port: options.port, certificateFile, keyFile, readOnly: options.readOnly === true }));

  const address = hostPort(options.host, options.port);
  const url = `https://${address}`;
  const logFile = join(options.dataDir, 'registry.log');
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    // setpriv (util-linux, always installed) sets a parent-death signal and execs the registry, so it dies with
    // us however we end, SIGKILL included. A bare environment: distribution reads REGISTRY_* variables as config overrides.
    child = spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', options.binary ?? REGISTRY_BINARY, 'serve', configFile], {
      stdio: ['ignore', log, log],
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
  } finally {
    closeSync(log);
  }
  // 'error' without 'exit' means it never ran (spawn failed): count that as gone too, so stop() cannot hang.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  let gone = false;
  void exited.then(() => (gone = true));

  const stop = async (): Promise<void> => {
    if (gone) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
  for (;;) {
    if (gone) {
      await stop();
      throw new PlatformError('ServiceUnavailable', `docker-registry exited before it answered: ${await tail(logFile)}`);
    }
    // We just started this server, so only liveness is probed here; clients verify it against the CA.
    const answered = await registryRequest(new URL('/v2/', url), {}, { method: 'GET', insecure: true, timeoutMs: 1_000 }).then(
      (response) => response.status,
      () => 0,
    );
    if (answered === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new PlatformError('Timeout', `docker-registry did not answer GET ${url}/v2/ (last status ${answered}): ${await tail(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, address, pid: child.pid ?? 0, stop };
}

async function tail(file: string): Promise<string> {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(-10).join('\n').trim();
}
