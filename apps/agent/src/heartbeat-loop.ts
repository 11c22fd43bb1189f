import { agentProtocol } from '@powernode/contracts';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { Backoff } from './backoff.js';
import { describeError } from './errors.js';
import { collectFacts, type RuntimeFacts } from './facts.js';
import { validityOf } from './identity.js';
import type { IdentityStore } from './identity-store.js';
import { PlatformHttpError } from './platform-client.js';
import type { PlatformSession } from './platform-session.js';
import { runReconcilers } from './reconcile/run-reconcilers.js';
import type { Reconciler } from './reconcile/reconciler.js';
import { renewIdentity } from './renewal.js';
import { longPollWaitSeconds, renewalTime } from './renewal-timing.js';
import { sleep } from './sleep.js';

export const LONG_POLL_WAIT_S = 25;
/** The request outlives the server's hold by this much before the agent calls it a timeout. */
const REQUEST_SLACK_MS = 10_000;
/** A server that answers "unchanged" at once instead of holding: do not spin on it. */
const EARLY_ANSWER_MS = 1_000;

export interface HeartbeatLoopOptions {
  /** The current identity and its client; the loop renews the identity in it, so other users see the new one. */
  session: PlatformSession;
  store: IdentityStore;
  platformUrl: URL;
  reconcilers: readonly Reconciler[];
  logger: Logger;
}

/**
 * Long-polls POST /agent/heartbeat, runs the reconcilers on each new desired state, renews the identity
 * certificate at 2/3 of its life, and backs off (full jitter) while the platform is unreachable.
 */
export class HeartbeatLoop {
  private readonly session: PlatformSession;
  private decommissionNoticed = false;
  private desired: agentProtocol.DesiredState | undefined;
  private runtimes: RuntimeFacts = {};
  private readonly backoff = new Backoff();
  private readonly renewBackoff = new Backoff();
  private renewRetryAt = 0;

  constructor(private readonly options: HeartbeatLoopOptions) {
    this.session = options.session;
  }

  async run(signal: AbortSignal): Promise<void> {
    const { logger } = this.options;
    while (!signal.aborted) {
      await this.renewIfDue(signal);
      const waitS = longPollWaitSeconds(this.nextRenewalCheck(), new Date(), LONG_POLL_WAIT_S);
      const started = Date.now();
      let response: z.output<typeof agentProtocol.heartbeatResponse>;
      try {
        response = await this.session.client.postJson(
          agentProtocol.AGENT_PATHS.heartbeat,
          {
            instance_id: this.session.identity().instanceId,
            ...(this.desired ? { desired_version: this.desired.version } : {}),
            wait_s: waitS,
            facts: collectFacts(this.runtimes),
          },
          agentProtocol.heartbeatResponse,
          { signal, timeoutMs: waitS * 1000 + REQUEST_SLACK_MS },
        );
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof PlatformHttpError && error.code === 'InstanceDecommissioned') await this.noticeDecommission(signal);
        // Whatever failed (down, 5xx, 400 on our facts, a malformed answer), the last good desired state stays.
        const retryInMs = this.backoff.next();
        logger.warn({ err: describeError(error), failures: this.backoff.failures, retry_in_ms: retryInMs }, 'heartbeat failed');
        await sleep(retryInMs, signal);
        continue;
      }
      if (this.backoff.failures > 0) logger.info({ after_failures: this.backoff.failures }, 'platform reachable again');
      this.backoff.reset();
      this.decommissionNoticed = false;
      if (this.desired === undefined || response.desired.version !== this.desired.version) {
        await this.apply(response.desired, signal);
      } else {
        // Unchanged: converge again anyway (a daemon died, an interface vanished) and refresh the facts
        // (WireGuard handshakes) the next heartbeat carries.
        this.runtimes = await runReconcilers(this.options.reconcilers, this.desired, signal, logger);
        if (Date.now() - started < EARLY_ANSWER_MS && waitS > 0) await sleep(Math.min(response.heartbeat_interval_s, LONG_POLL_WAIT_S) * 1000, signal);
      }
    }
  }

  /** The platform says this instance is gone: reconcilers that run something tear it down (once per streak). */
  private async noticeDecommission(signal: AbortSignal): Promise<void> {
    if (this.decommissionNoticed) return;
    this.decommissionNoticed = true;
    this.options.logger.warn('the platform says this instance is decommissioned: tearing down what the reconcilers run');
    for (const reconciler of this.options.reconcilers) {
      try {
        await reconciler.decommissioned?.(signal);
      } catch (error) {
        this.options.logger.warn({ reconciler: reconciler.name, err: describeError(error) }, 'teardown after decommission failed');
      }
    }
  }

  private async apply(desired: agentProtocol.DesiredState, signal: AbortSignal): Promise<void> {
    const { logger, reconcilers } = this.options;
    logger.info({ version: desired.version, previous: this.desired?.version, modules: desired.modules.length }, 'new desired state');
    this.desired = desired;
    this.runtimes = await runReconcilers(reconcilers, desired, signal, logger);
    logger.info({ version: desired.version, runtimes: this.runtimes }, 'desired state reconciled');
  }

  /** Renewal time, or the next retry after a failed renewal, whichever is later. */
  private nextRenewalCheck(): Date {
    return new Date(Math.max(renewalTime(validityOf(this.session.identity())).getTime(), this.renewRetryAt));
  }

  private async renewIfDue(signal: AbortSignal): Promise<void> {
    if (Date.now() < this.nextRenewalCheck().getTime()) return;
    const { logger, store, platformUrl } = this.options;
    try {
      const renewed = await renewIdentity(this.session.client, this.session.identity(), signal);
      await store.save(renewed, platformUrl); // the old identity stays on disk until the new one is complete
      this.session.replace(renewed);
      this.renewBackoff.reset();
      this.renewRetryAt = 0;
      logger.info({ not_after: validityOf(renewed).notAfter.toISOString() }, 'identity certificate renewed');
    } catch (error) {
      if (signal.aborted) return;
      const retryInMs = Math.max(1000, this.renewBackoff.next());
      this.renewRetryAt = Date.now() + retryInMs;
      logger.warn({ err: describeError(error), retry_in_ms: retryInMs }, 'identity renewal failed');
    }
  }
}
