import { connect, type NatsConnection } from '@nats-io/transport-node';
import { kindPrefixSubject, sdwanActions, type agentProtocol } from '@powernode/contracts';
import { RpcClient } from '@powernode/service-kit';
import type { Logger } from 'pino';
import { Backoff } from '../backoff.js';
import type { HubAgentOptions } from '../cli-args.js';
import { describeError } from '../errors.js';
import { SdwanReconciler } from '../reconcile/sdwan/sdwan-reconciler.js';
import { loadHubConfig, type HubConfig } from './hub-config.js';
import { hubReport, reportSignature } from './hub-report.js';
import { Wakeup } from './wakeup.js';

/** A report that did not change is still repeated this often, so the platform sees the hub alive. */
const REPORT_AT_LEAST_EVERY_MS = 60_000;
/** After an SDWAN event, one more round this much later: the event may reach us before the sdwan read model. */
const SETTLE_MS = 300;
const CALLER = 'sdwan-hub';

/**
 * The platform's own data-plane peer (`--role platform`): joins every SDWAN network as `hub` in this network
 * namespace (the one the platform services run in), so they reach nodes over the overlay. Each round reads
 * `sdwan_desired_for_hub`, converges the interfaces with the node agent's own SDWAN reconciler and reports the
 * hub's public key, endpoint and handshakes. SDWAN events start a round at once; a timer re-converges and
 * refreshes handshakes. Stopping removes the hub's interfaces: its tunnels live and die with the platform.
 */
export async function runHub(options: HubAgentOptions, logger: Logger, signal: AbortSignal): Promise<void> {
  const config = loadHubConfig(process.env);
  const nc = await connect({ servers: config.NATS_URL.split(','), name: 'powernode-hub', maxReconnectAttempts: -1 });
  const hub = new Hub(nc, config, options, logger);
  try {
    await hub.run(signal);
  } finally {
    await hub.teardown();
    await nc.drain().catch(() => undefined);
  }
}

class Hub {
  private readonly rpc: RpcClient;
  private readonly reconciler: SdwanReconciler;
  private readonly wakeup = new Wakeup();
  private readonly backoff = new Backoff();
  private lastReport = { signature: '', at: 0 };

  constructor(
    private readonly nc: NatsConnection,
    private readonly config: HubConfig,
    private readonly options: HubAgentOptions,
    private readonly logger: Logger,
  ) {
    this.rpc = new RpcClient(nc, config.RPC_SUBJECT_PREFIX, { serviceToken: config.PLATFORM_SERVICE_TOKEN, timeoutMs: 10_000 });
    this.reconciler = new SdwanReconciler(options.stateDir);
  }

  async run(signal: AbortSignal): Promise<void> {
    const events = this.nc.subscribe(kindPrefixSubject(this.config.EVENT_SUBJECT_PREFIX, 'system.sdwan'), {
      callback: () => {
        this.wakeup.fire();
        this.wakeup.fireIn(SETTLE_MS);
      },
    });
    this.logger.info({ endpoint: this.options.endpoint ?? null, interval_s: this.config.POWERNODE_HUB_INTERVAL_S }, 'hub running');
    try {
      while (!signal.aborted) {
        let delayMs = this.config.POWERNODE_HUB_INTERVAL_S * 1000;
        try {
          await this.round(signal);
          this.backoff.reset();
        } catch (error) {
          if (signal.aborted) break;
          delayMs = Math.min(delayMs, this.backoff.next());
          this.logger.warn({ err: describeError(error), failures: this.backoff.failures, retry_in_ms: delayMs }, 'hub round failed');
        }
        await this.wakeup.wait(delayMs, signal);
      }
    } finally {
      events.unsubscribe();
    }
  }

  /** Removes every interface this hub made (the reconciler tracks them), so nothing outlives the platform. */
  async teardown(): Promise<void> {
    const facts = await this.reconciler.reconcile(this.desired({ interfaces: [] })).catch((error: unknown) => ({ phase: 'error', error: describeError(error).message }));
    this.logger.info({ facts }, 'hub interfaces removed');
  }

  private async round(signal: AbortSignal): Promise<void> {
    const sdwan = (await this.rpc.callInternal(sdwanActions.sdwanDesiredForHub, {}, CALLER)) as agentProtocol.DesiredSdwan;
    if (signal.aborted) return;
    const facts = await this.reconciler.reconcile(this.desired(sdwan));
    if (facts.phase !== 'ready') this.logger.warn({ facts }, 'hub interfaces not all converged');
    const report = hubReport(facts, this.options.endpoint);
    if (report === undefined) return;
    const signature = reportSignature(report);
    if (signature === this.lastReport.signature && Date.now() - this.lastReport.at < REPORT_AT_LEAST_EVERY_MS) return;
    await this.rpc.callInternal(sdwanActions.sdwanReportHubWireguard, report, CALLER);
    if (signature !== this.lastReport.signature) this.logger.info({ interfaces: sdwan.interfaces.map((i) => i.name), endpoint: report.endpoint ?? null }, 'hub reported');
    this.lastReport = { signature, at: Date.now() };
  }

  private desired(sdwan: agentProtocol.DesiredSdwan): agentProtocol.DesiredState {
    return { instance_id: 'hub', version: 'hub', modules: [], sdwan };
  }
}
