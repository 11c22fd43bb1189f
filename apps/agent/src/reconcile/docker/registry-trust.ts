import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { agentProtocol } from '@powernode/contracts';
import { writeFileAtomic } from '../../atomic-file.js';

/** The file dockerd reads, per registry, as the CA roots it accepts for that registry's TLS certificate. */
export const REGISTRY_CA_FILE = 'ca.crt';

/**
 * Makes dockerd trust `rootPem` for each registry the way Docker documents it: `<certsDir>/<host:port>/ca.crt`
 * (0644, directory 0755). dockerd reads that directory on every pull, so no restart is needed. Idempotent: a
 * file that already holds the root is left alone (its mode corrected); any other is replaced atomically.
 * Returns the addresses whose file was (re)written.
 */
export async function trustRegistries(certsDir: string, registries: readonly string[], rootPem: string): Promise<string[]> {
  const content = rootPem.endsWith('\n') ? rootPem : `${rootPem}\n`;
  const written: string[] = [];
  for (const address of registries) {
    // The address becomes a directory name: only an IP:port (the contract's pattern) can never leave certsDir.
    if (!agentProtocol.REGISTRY_ADDR_PATTERN.test(address)) throw new Error(`not a registry address: ${JSON.stringify(address)}`);
    const dir = join(certsDir, address);
    const file = join(dir, REGISTRY_CA_FILE);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await chmod(dir, 0o755); // the umask may have narrowed it, and dockerd's readers are not only root
    if ((await readFile(file, 'utf8').catch(() => undefined)) === content) {
      if (((await stat(file)).mode & 0o777) !== 0o644) await chmod(file, 0o644);
      continue;
    }
    await writeFileAtomic(file, content, 0o644);
    written.push(address);
  }
  return written;
}
