import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { addressesFor, createAddressPlan, createUnderlay, deleteUnderlay, namespaceExists, namesFor, type InstanceNames } from '@powernode/netns';
import { ensureInterface, parseWgQuick, removeInterface } from '@powernode/wireguard';

const run = promisify(execFile);

/** The local provider's default underlay plan: the laptop sits on it as a machine on the host's LAN. */
const UNDERLAY_IPV6 = 'fd5e:7e57::/48';
const UNDERLAY_IPV4 = '198.18.0.0/15';

export interface LaptopOptions {
  /** Name prefix of the namespace (`<prefix>-lap<hex>`) and its links; the platform's own (`pn`) by default. */
  prefix: string;
  /** Underlay address index (far above the instances', which start at 1). */
  addressIndex?: number;
}

/**
 * An operator's laptop: a fresh network namespace with an underlay to the host (like a laptop on the LAN)
 * that joins the overlay with an access grant's wg-quick config.
 */
export class LaptopDevice {
  private wireguard: string | undefined;

  private constructor(readonly names: InstanceNames) {}

  get namespace(): string {
    return this.names.namespace;
  }

  static async create(options: LaptopOptions): Promise<LaptopDevice> {
    const names = namesFor(options.prefix, `inst-lap${randomBytes(2).toString('hex')}`);
    const index = options.addressIndex ?? 20_000 + Math.floor(Math.random() * 10_000);
    const laptop = new LaptopDevice(names);
    await createUnderlay(names, addressesFor(createAddressPlan(UNDERLAY_IPV6, UNDERLAY_IPV4), index));
    return laptop;
  }

  /** Brings up the granted WireGuard interface inside the laptop namespace (what `wg-quick up` would do). */
  async join(wgQuickConfig: string): Promise<string> {
    const config = parseWgQuick(wgQuickConfig);
    const name = `${this.names.hostInterface.replace(/h(?=[a-z0-9]+$)/, 'w')}`;
    // Its own namespace: the usual port clashes with nothing on the host.
    await ensureInterface({ name, netns: this.namespace, listenPort: 51_820, address: config.address, privateKey: config.privateKey, peers: config.peers });
    this.wireguard = name;
    return name;
  }

  /** `curl <url>` from the laptop; the status and body, or throws with curl's message. */
  async curl(url: string): Promise<{ status: number; body: string }> {
    const { stdout } = await run('nsenter', [`--net=/var/run/netns/${this.namespace}`, '--', 'curl', '-sS', '-g', '-m', '3', '-w', '\n%{http_code}', url]);
    const cut = stdout.lastIndexOf('\n');
    return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
  }

  /** Removes the WireGuard interface, the veth pair and the namespace; idempotent. */
  async remove(): Promise<void> {
    if (this.wireguard) await removeInterface(this.wireguard, this.namespace).catch(() => undefined);
    await deleteUnderlay(this.names);
  }

  async exists(): Promise<boolean> {
    return namespaceExists(this.namespace);
  }
}
