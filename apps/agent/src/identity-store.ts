import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory, writeFileAtomic } from './atomic-file.js';
import { certificatesOf, type AgentIdentity } from './identity.js';

const FILES = { key: 'key.pem', cert: 'cert.pem', ca: 'ca.pem', instance: 'instance.json' } as const;

interface InstanceFile {
  instance_id: string;
  platform_url: string;
  written_at: string;
}

/**
 * `<state>/identity/{key.pem,cert.pem,ca.pem,instance.json}`. A new identity is written whole into a fresh
 * directory and swapped in by rename, so a crash never leaves a new key beside an old certificate; the old
 * identity stays in place until the new one is complete.
 */
export class IdentityStore {
  constructor(readonly stateDir: string) {}

  get dir(): string {
    return join(this.stateDir, 'identity');
  }

  private get previousDir(): string {
    return join(this.stateDir, 'identity.previous');
  }

  /** The stored identity, or undefined when there is none (or it is unreadable). */
  async load(): Promise<AgentIdentity | undefined> {
    // A crash between the two renames of save() leaves only identity.previous: still a good identity.
    return (await readIdentity(this.dir)) ?? (await readIdentity(this.previousDir));
  }

  async save(identity: AgentIdentity, platformUrl: URL): Promise<void> {
    await ensurePrivateDir(this.stateDir);
    const staging = join(this.stateDir, `.identity-${randomBytes(6).toString('hex')}`);
    await mkdir(staging, { mode: 0o700 });
    try {
      await chmod(staging, 0o700);
      const instance: InstanceFile = { instance_id: identity.instanceId, platform_url: platformUrl.origin, written_at: new Date().toISOString() };
      await writeFileAtomic(join(staging, FILES.key), identity.keyPem, 0o600);
      await writeFileAtomic(join(staging, FILES.cert), identity.certPem, 0o600);
      await writeFileAtomic(join(staging, FILES.ca), identity.chainPem.join(''), 0o600);
      await writeFileAtomic(join(staging, FILES.instance), JSON.stringify(instance, null, 2) + '\n', 0o600);
      await rm(this.previousDir, { recursive: true, force: true });
      if (await exists(this.dir)) await rename(this.dir, this.previousDir);
      await rename(staging, this.dir);
      await syncDirectory(this.stateDir);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    await rm(this.previousDir, { recursive: true, force: true });
  }
}

/** The state directory, created 0700 (and narrowed to 0700 if it existed wider). */
export async function ensurePrivateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}

async function readIdentity(dir: string): Promise<AgentIdentity | undefined> {
  try {
    const [keyPem, certPem, caPem, instanceJson] = await Promise.all(
      [FILES.key, FILES.cert, FILES.ca, FILES.instance].map((name) => readFile(join(dir, name), 'utf8')),
    );
    const instance = JSON.parse(instanceJson as string) as Partial<InstanceFile>;
    if (typeof instance.instance_id !== 'string' || instance.instance_id === '') return undefined;
    return { instanceId: instance.instance_id, keyPem: keyPem as string, certPem: certPem as string, chainPem: certificatesOf(caPem as string) };
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
