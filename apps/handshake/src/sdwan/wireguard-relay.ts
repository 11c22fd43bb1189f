import { PlatformError, sdwanActions } from '@powernode/contracts';
import type { HandshakeRuntime } from '../runtime.js';
import { nodeReports, reportSignature, sdwanFacts, type NodeWireguardReport } from './sdwan-facts.js';

/** An unchanged report is relayed again after this long, so the sdwan service heals from a lost one. */
export const RELAY_AGAIN_MS = 5 * 60_000;
/** Instances remembered; the least recently relayed are forgotten first (they only get relayed once more). */
const MAX_REMEMBERED = 10_000;

interface Remembered {
  /** The last report the sdwan service took (or refused for good), and when. */
  signature?: string;
  at: number;
  /** The last warning logged, so a broken agent is not logged at every heartbeat. */
  warned?: string;
}

interface Queue {
  running: Promise<void>;
  /** The latest report that came in meanwhile: reports are snapshots, so it replaces any older one. */
  next?: NodeWireguardReport[];
}

/**
 * Relays an agent's WireGuard facts (public key, observed endpoint, handshakes) to the sdwan service in the
 * background: never failing or delaying the heartbeat, in order per instance, and only when they changed or
 * were last relayed RELAY_AGAIN_MS ago.
 */
export class WireguardRelay {
  private readonly remembered = new Map<string, Remembered>();
  private readonly queues = new Map<string, Queue>();
  private stopped = false;

  constructor(
    private readonly runtime: HandshakeRuntime,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads `runtimes.sdwan` of a validated heartbeat; without a `public_key` there is nothing to relay. */
  relay(instanceId: string, runtimes: Record<string, Record<string, unknown>>, observedAddress: string | undefined): void {
    const reported = runtimes.sdwan;
    if (this.stopped || reported?.public_key === undefined) return;
    const parsed = sdwanFacts.safeParse(reported);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      this.warnOnce(instanceId, `facts:${issues.join(';')}`, { issues }, 'malformed SDWAN facts ignored');
      return;
    }
    const reports = nodeReports(instanceId, parsed.data, observedAddress);
    const queue = this.queues.get(instanceId);
    if (queue) queue.next = reports;
    else this.start(instanceId, reports);
  }

  /** Refuses new reports and waits for those under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.queues.values()].map((q) => q.running));
  }

  private start(instanceId: string, first: NodeWireguardReport[]): void {
    const queue: Queue = { running: Promise.resolve() };
    this.queues.set(instanceId, queue);
    queue.running = (async () => {
      let reports: NodeWireguardReport[] | undefined = first;
      while (reports) {
        await this.send(instanceId, reports).catch((error: unknown) => this.runtime.logger.warn({ err: error, instance_id: instanceId }, 'SDWAN facts relay failed'));
        reports = queue.next;
        queue.next = undefined;
      }
      // Same tick as the last check of `next`: a report arriving from now on starts a new queue.
      this.queues.delete(instanceId);
    })();
  }

  private async send(instanceId: string, reports: NodeWireguardReport[]): Promise<void> {
    const signature = reportSignature(reports);
    const last = this.remembered.get(instanceId);
    if (last?.signature === signature && this.now() - last.at < RELAY_AGAIN_MS) return;
    for (const report of reports) {
      try {
        await this.runtime.rpc.callInternal(sdwanActions.sdwanReportNodeWireguard, report, 'handshake');
      } catch (error) {
        if (!(error instanceof PlatformError && (error.code === 'InvalidInput' || error.code === 'NotFound'))) throw error;
        // Refused for good (a malformed key: the peer stays pending; an interface on a network the instance
        // left): sending the same again would be refused again, so it counts as relayed.
        const about = error.code === 'InvalidInput' ? report.public_key : report.network_id;
        this.warnOnce(instanceId, `${error.code}:${about}`, { err: error, network_id: report.network_id }, 'sdwan service refused the agent’s WireGuard facts');
      }
    }
    // A transient failure (sdwan down, timeout) threw above: nothing remembered, the next heartbeat retries.
    this.remember(instanceId, { signature, at: this.now() });
  }

  private warnOnce(instanceId: string, what: string, details: object, message: string): void {
    if (this.remembered.get(instanceId)?.warned === what) return;
    this.runtime.logger.warn({ ...details, instance_id: instanceId }, message);
    this.remember(instanceId, { warned: what });
  }

  /** Updates the instance's entry, moving it to the end of the map (the most recently used). */
  private remember(instanceId: string, update: Partial<Remembered>): void {
    const entry = { at: 0, ...this.remembered.get(instanceId), ...update };
    this.remembered.delete(instanceId);
    this.remembered.set(instanceId, entry);
    if (this.remembered.size > MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
  }
}
