import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ip, ipFailedWith, ipTolerating } from '@powernode/netns';

/** `pt<4 hex>fl`: CI's cleanup sweeps leftovers of a killed run by this pattern (as the test gateways). */
export const FLEET_LINK_PATTERN = /^pt[0-9a-f]{4}fl$/;

/**
 * The simulated fleet's overlay addresses, on one link of this (root) network namespace where the platform's
 * services run: each /128 the platform allocated becomes a local address, so the platform's TLS verification of
 * a simulated daemon dials a real address, as it dials a real node over WireGuard. Deleting the link removes
 * every address at once.
 */
export class OverlayLink {
  readonly name = `pt${randomBytes(2).toString('hex')}fl`;
  private readonly present = new Set<string>();

  async create(): Promise<void> {
    try {
      await ip('link', 'add', this.name, 'type', 'dummy');
    } catch (error) {
      if (!ipFailedWith(error, /Unknown device type|not supported|No such file/i)) throw error;
      await ip('link', 'add', this.name, 'type', 'ifb'); // kernels built without `dummy`
    }
    await ip('link', 'set', this.name, 'up');
  }

  /** Adds every address (one `ip -batch` for all of them); `nodad`, so each is usable at once. */
  async add(addresses: readonly string[]): Promise<void> {
    const fresh = [...new Set(addresses.map((a) => a.toLowerCase()))].filter((a) => !this.present.has(a));
    if (fresh.length === 0) return;
    const script = fresh.map((a) => `addr replace ${a}/128 dev ${this.name} nodad`).join('\n') + '\n';
    await new Promise<void>((resolve, reject) => {
      const child = spawn('ip', ['-6', '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ip -batch failed (${code}): ${stderr.slice(0, 500)}`))));
      child.stdin.end(script);
    });
    for (const address of fresh) this.present.add(address);
  }

  has(address: string): boolean {
    return this.present.has(address.toLowerCase());
  }

  get size(): number {
    return this.present.size;
  }

  async destroy(): Promise<void> {
    await ipTolerating(/Cannot find device|does not exist/i, 'link', 'del', this.name);
    this.present.clear();
  }
}
