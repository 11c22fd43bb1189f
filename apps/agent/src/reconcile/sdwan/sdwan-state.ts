import { generateWireguardKeyPair, isWireguardKey, wireguardPublicKey, type WireguardKeyPair } from '@powernode/wireguard';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../atomic-file.js';
import { ensurePrivateDir } from '../../identity-store.js';

/** `<state>/sdwan/`: the node's WireGuard private key (0600, never sent anywhere) and the interfaces it created. */
export class SdwanState {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'sdwan');
  }

  /** The stored key pair; generated on this node on first use. */
  async keyPair(): Promise<WireguardKeyPair> {
    const path = join(this.dir, 'wireguard.key');
    const stored = await readOptional(path);
    if (stored !== undefined) {
      const privateKey = stored.trim();
      if (!isWireguardKey(privateKey)) throw new Error(`${path} does not hold a WireGuard private key; move it away to generate a new one`);
      return { privateKey, publicKey: wireguardPublicKey(privateKey) };
    }
    await ensurePrivateDir(this.dir);
    const pair = generateWireguardKeyPair();
    await writeFileAtomic(path, `${pair.privateKey}\n`, 0o600);
    return pair;
  }

  async trackedInterfaces(): Promise<string[]> {
    const stored = await readOptional(join(this.dir, 'interfaces.json'));
    if (stored === undefined) return [];
    const parsed = JSON.parse(stored) as { interfaces?: unknown };
    return Array.isArray(parsed.interfaces) ? parsed.interfaces.filter((n): n is string => typeof n === 'string') : [];
  }

  async track(names: readonly string[]): Promise<void> {
    await ensurePrivateDir(this.dir);
    await writeFileAtomic(join(this.dir, 'interfaces.json'), `${JSON.stringify({ interfaces: [...names].sort() }, null, 2)}\n`, 0o600);
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
