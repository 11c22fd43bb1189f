import { access, chmod, mkdir, rm } from 'node:fs/promises';
import type { agentProtocol } from '@powernode/contracts';
import type { Logger } from 'pino';
import { Backoff, type BackoffPolicy } from '../../backoff.js';
import { describeError } from '../../errors.js';
import { clientCertChain, rootOf } from '../../identity.js';
import { RequestAbortedError } from '../../platform-client.js';
import type { RuntimePlatformPort } from '../../platform-session.js';
import { renewalTime } from '../../renewal-timing.js';
import { sleep } from '../../sleep.js';
import { localDaemonKeys, renderDaemonJson } from './daemon-config.js';
import type { Dial, DaemonEndpoint } from './daemon-client.js';
import { DaemonStartError, type DaemonRunner } from './daemon-runner.js';
import { daemonCertFacts, daemonCertProblem, installDaemonCert, pendingKeyAndCsr, readDaemonTls, removeDaemonTls } from './daemon-tls.js';
import type { DockerFactsBoard, DockerFactsPhase } from './docker-facts.js';
import type { DockerHostOps } from './docker-host-ops.js';
import { removeEmptyCgroups } from './cgroups.js';
import { SHORT_EXEC_ROOT_BASE, type DockerPaths } from './docker-paths.js';
import { DockerStateStore, type DockerState } from './docker-state.js';
import { trustRegistries } from './registry-trust.js';
import type { DockerWant } from './docker-want.js';
import { APT_PACKAGE } from './dockerd-install.js';
import {
  DockerFlowError,
  HandshakeOutOfStepError,
  HandshakeRefusedError,
  InstanceDecommissionedError,
  classifyHandshakeError,
  handshakeErrorCode,
} from './handshake-errors.js';

type HandshakeBody = Omit<agentProtocol.RuntimeHandshakeRequest, 'runtime'>;
type HandshakeAnswer = agentProtocol.RuntimeHandshakeResponse;

export interface DockerFlowOptions {
  paths: DockerPaths;
  platform: RuntimePlatformPort;
  ops: DockerHostOps;
  /** Builds the runner once dockerd's path is known (supervised child or systemd). */
  createRunner: (dockerd: string) => DaemonRunner;
  facts: DockerFactsBoard;
  logger: Logger;
  installStrategy: string;
  /** Aborts only when the agent stops: an install is not cut short by a new desired state. */
  lifetime: AbortSignal;
  dial?: Dial;
  /** Pacing of handshake retries (503 CaUnavailable, 409 DaemonUnreachable, an unreachable platform). */
  retry?: BackoffPolicy;
  /** How long dockerd may take from launch to answering its TLS ping. */
  startTimeoutMs?: number;
  now?: () => Date;
}

/** How soon the worker should look again when nothing wakes it. */
export interface ConvergeOutcome {
  recheckInMs: number;
}

const OVERLAY_RECHECK_MS = 5_000;
const STEADY_RECHECK_MS = 5 * 60_000;
const DEFAULT_DOCKERD = '/usr/sbin/dockerd';
const MAX_REASON = 2048;

/**
 * The agent side of the Docker runtime handshake, one idempotent pass at a time: each step checks what is
 * already done (on disk, in the recorded state, in the running daemon) and does only what is missing, so a
 * pass after a crash, a new desired state or a failure resumes where things stand. A pass in steady state
 * posts nothing.
 *
 *   installing → (waiting_overlay) → wants_cert → wants_config → dockerd start + TLS ping → ready
 */
export class DockerFlow {
  private runner: DaemonRunner | undefined;
  private readonly store: DockerStateStore;
  private rootReady = false;

  constructor(private readonly options: DockerFlowOptions) {
    this.store = new DockerStateStore(options.paths.stateFile);
  }

  /** The daemon runner once created, for facts and shutdown. */
  get daemon(): DaemonRunner | undefined {
    return this.runner;
  }

  async converge(want: DockerWant, signal: AbortSignal): Promise<ConvergeOutcome> {
    const { paths, facts, ops } = this.options;
    await this.ensureDockerRoot();
    const state = await this.stateFor(want);
    const dockerd = await this.ensureInstalled(state, signal);
    const runner = this.runnerFor(dockerd);

    const overlay = want.overlay;
    const rootPem = rootOf(this.options.platform.identity());
    // Every pass, before dockerd can start: dockerd reads certs.d per pull, so a new registry needs no restart.
    await this.trustRegistries(want, rootPem);
    let tls = await readDaemonTls(paths.tlsDir);
    const certProblem = overlay === undefined ? 'no overlay address yet' : daemonCertProblem(tls, { overlay, rootPem, now: this.now() });
    const configCurrent = state.config?.key === want.configKey && (await exists(paths.daemonJson)) && state.next !== 'wants_config';
    const generation = (): string | undefined => (state.config && tls ? `${state.config.hash}/${daemonCertFacts(tls).serial}` : undefined);

    if (overlay !== undefined && certProblem === undefined && configCurrent && (state.next === undefined || state.next === 'done')) {
      const current = generation();
      if (current !== undefined && state.ready?.generation === current && state.daemon_generation === current && (await runner.isRunning())) {
        this.reportReady(state, tls!);
        return { recheckInMs: this.untilRenewal(tls!) };
      }
    }

    if (overlay === undefined || !(await ops.overlayPresent(overlay))) {
      facts.report('waiting_overlay', overlay === undefined ? {} : { overlay });
      if (!state.waiting_overlay_reported) {
        await this.post(state, { phase: 'waiting_overlay' }, 'waiting_overlay', signal);
        state.waiting_overlay_reported = true;
        await this.store.save(state);
      }
      return { recheckInMs: OVERLAY_RECHECK_MS };
    }
    if (state.waiting_overlay_reported) {
      state.waiting_overlay_reported = false;
      await this.store.save(state);
    }
    facts.report(facts.phase, { overlay });

    if (certProblem !== undefined || state.next === 'wants_cert') {
      // The platform starts its walk over at wants_cert after a failure: the current key gets its certificate back.
      tls = await this.requestCertificate(state, overlay, certProblem ?? 'the platform asks for wants_cert again', certProblem === undefined, signal);
    }
    // The answer to a renewal's wants_cert may ask for the configuration again.
    if (!configCurrent || state.next === 'wants_config') {
      await this.fetchConfig(state, want, signal);
    }

    const current = generation()!;
    const endpoint = this.endpoint(overlay);
    let version: string;
    if (state.daemon_generation !== current || !(await runner.isRunning())) {
      version = await this.startDaemon(runner, endpoint, signal);
      state.daemon_generation = current;
      await this.store.save(state);
    } else {
      version = (await ops.ping(endpoint, signal)).version;
    }

    if (state.ready?.generation !== current || state.next === 'ready') {
      facts.report('starting', { version });
      await this.post(state, { phase: 'ready', version }, 'starting', signal);
      state.ready = { generation: current, version };
      delete state.failed_reported;
      await this.store.save(state);
    }
    this.reportReady(state, tls!);
    return { recheckInMs: this.untilRenewal(tls!) };
  }

  /**
   * No docker module any more (or the instance is decommissioned): stop the containers and dockerd, remove the
   * certificates and daemon.json the agent wrote, tell the platform `stopped`. Does nothing on a machine where
   * the agent never set Docker up (it never removes a daemon.json it did not write).
   */
  async teardown(reason: 'unassigned' | 'decommissioned', signal: AbortSignal): Promise<void> {
    const { paths, facts, ops, logger } = this.options;
    const state = await this.store.load();
    const runner = this.runner ?? (state === undefined ? undefined : this.runnerFor((await ops.findDockerd()) ?? DEFAULT_DOCKERD));
    const running = runner !== undefined && (await runner.isRunning());
    if (state === undefined && !running) {
      facts.reset();
      return;
    }
    facts.report('stopping', { progress: `${reason}: stopping dockerd` });
    if (running && state?.overlay !== undefined) {
      try {
        const stopped = await ops.stopContainers(this.endpoint(state.overlay), signal);
        if (stopped > 0) logger.info({ containers: stopped }, 'stopped the containers before dockerd');
      } catch (error) {
        logger.warn({ err: describeError(error) }, 'could not stop the containers through the daemon; stopping dockerd anyway');
      }
    }
    if (runner !== undefined) {
      await runner.stop();
      await runner.forget();
    }
    // The registries' certs.d entries stay: the machine's one certs.d is shared by every local instance's dockerd
    // (removing an entry would break the others' pulls), and each holds only the platform's public root.
    if (state !== undefined) {
      await rm(paths.daemonJson, { force: true });
      await removeDaemonTls(paths.tlsDir);
    }
    if (paths.dockerRoot !== undefined) await ops.unmountUnder(paths.dockerRoot);
    if (paths.local?.execRoot.startsWith(`${SHORT_EXEC_ROOT_BASE}/`)) await rm(paths.local.execRoot, { recursive: true, force: true });
    if (paths.local !== undefined) await removeEmptyCgroups(paths.local.cgroupParent);
    if (state !== undefined && reason === 'unassigned') {
      await this.postBestEffort({ phase: 'stopped', error: 'module unassigned: dockerd stopped, its certificates and daemon.json removed' }, signal);
    }
    await this.store.remove();
    facts.reset();
    logger.info({ reason }, 'docker runtime torn down');
  }

  /** Reports a failed pass: in the facts always, to the platform once per distinct reason (not a refusal of its own). */
  async reportFailure(error: unknown, signal: AbortSignal): Promise<void> {
    const { facts, logger } = this.options;
    const phase = error instanceof DockerFlowError || error instanceof HandshakeRefusedError ? error.phase : facts.phase;
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, MAX_REASON);
    const logTail = error instanceof DockerFlowError || error instanceof DaemonStartError ? error.logTail : undefined;
    facts.report('failed', { error: reason, failed_phase: phase, ...(logTail ? { log_tail: logTail } : {}), ...(error instanceof HandshakeRefusedError && error.code ? { error_code: error.code } : {}) });
    logger.warn({ phase, err: describeError(error) }, 'docker runtime step failed');
    if (error instanceof HandshakeRefusedError) return;
    if (error instanceof HandshakeOutOfStepError) return; // not a failure: the next pass starts over at wants_cert
    const state = await this.store.load().catch(() => undefined);
    if (state?.failed_reported === reason) return;
    const answer = await this.postBestEffort({ phase: 'failed', error: reason }, signal);
    // The platform answers where the walk starts again (wants_cert).
    if (answer !== undefined && state !== undefined) await this.store.save({ ...state, failed_reported: reason, next: answer.next });
  }

  /** The agent stops: the supervised dockerd goes with it (live-restore keeps containers); systemd's stays. */
  async close(): Promise<void> {
    if (this.runner?.mode === 'supervise') await this.runner.stop();
  }

  /**
   * The docker root (and a relocated exec-root) is root-only: dockerd's unix sockets (containerd's, the
   * metrics socket) live under it and must not be reachable by other users of the machine.
   */
  private async ensureDockerRoot(): Promise<void> {
    if (this.rootReady) return;
    const { local, dockerRoot } = this.options.paths;
    for (const dir of [dockerRoot, local?.execRoot.startsWith(`${SHORT_EXEC_ROOT_BASE}/`) ? SHORT_EXEC_ROOT_BASE : undefined]) {
      if (dir === undefined) continue;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
    }
    this.rootReady = true;
  }

  private async stateFor(want: DockerWant): Promise<DockerState> {
    const stored = await this.store.load();
    if (stored !== undefined && stored.assignment === want.assignment) {
      if (stored.overlay !== want.overlay && want.overlay !== undefined) {
        stored.overlay = want.overlay;
        await this.store.save(stored);
      }
      return stored;
    }
    const fresh: DockerState = { assignment: want.assignment, ...(want.overlay === undefined ? {} : { overlay: want.overlay }) };
    await this.store.save(fresh);
    return fresh;
  }

  /** `<certs.d>/<host:port>/ca.crt` = the platform root for each platform registry, so dockerd pulls from them over TLS. */
  private async trustRegistries(want: DockerWant, rootPem: string): Promise<void> {
    const { paths, logger } = this.options;
    try {
      const written = await trustRegistries(paths.registryCertsDir, want.registries, rootPem);
      if (written.length) logger.info({ registries: written, dir: paths.registryCertsDir }, 'dockerd trusts the platform root for the registries');
    } catch (error) {
      throw new DockerFlowError('starting', `cannot install the platform root for the registries in ${paths.registryCertsDir}: ${errnoText(error)}`);
    }
  }

  private async ensureInstalled(state: DockerState, signal: AbortSignal): Promise<string> {
    const { ops, facts } = this.options;
    let dockerd = await ops.findDockerd();
    if (dockerd !== undefined) {
      if (!state.installing_reported) {
        const progress = `dockerd ${await ops.dockerdVersion(dockerd)} present, install skipped`;
        facts.report('installing', { progress });
        await this.post(state, { phase: 'installing', progress }, 'installing', signal);
        state.installing_reported = true;
        await this.store.save(state);
      }
      return dockerd;
    }
    const progress = `dockerd not found: installing ${APT_PACKAGE} (${this.options.installStrategy})`;
    facts.report('installing', { progress });
    if (!state.installing_reported) {
      await this.post(state, { phase: 'installing', progress }, 'installing', signal);
      state.installing_reported = true;
      await this.store.save(state);
    }
    try {
      await ops.install((line) => facts.report('installing', { progress: line.slice(0, 256) }), this.options.lifetime);
    } catch (error) {
      if (this.options.lifetime.aborted) throw new RequestAbortedError('aborted');
      throw new DockerFlowError('installing', (error as Error).message);
    }
    dockerd = await ops.findDockerd();
    if (dockerd === undefined) throw new DockerFlowError('installing', `${APT_PACKAGE} is installed but dockerd is not on PATH or in /usr/sbin`);
    return dockerd;
  }

  private async requestCertificate(state: DockerState, overlay: string, why: string, reuseKey: boolean, signal: AbortSignal) {
    const { paths, facts, logger } = this.options;
    facts.report('wants_cert', { progress: why });
    const { keyPem, csrPem } = await pendingKeyAndCsr(paths.tlsDir, overlay, reuseKey);
    const answer = await this.post(state, { phase: 'wants_cert', csr_pem: csrPem }, 'wants_cert', signal);
    if (answer.certificate === undefined) throw new DockerFlowError('wants_cert', 'the platform answered wants_cert without a certificate');
    try {
      await installDaemonCert(paths.tlsDir, answer.certificate, keyPem);
    } catch (error) {
      throw new DockerFlowError('wants_cert', `cannot install the daemon certificate in ${paths.tlsDir}: ${errnoText(error)}`);
    }
    await this.store.save(state);
    logger.info({ serial: answer.certificate.serial, not_after: answer.certificate.not_after, why }, 'daemon certificate installed');
    return readDaemonTls(paths.tlsDir);
  }

  private async fetchConfig(state: DockerState, want: DockerWant, signal: AbortSignal): Promise<void> {
    const { paths, facts, ops } = this.options;
    facts.report('wants_config');
    const answer = await this.post(state, { phase: 'wants_config', tls_dir: paths.tlsDir }, 'wants_config', signal);
    if (answer.daemon_config === undefined) throw new DockerFlowError('wants_config', 'the platform answered wants_config without a daemon configuration');
    const content = renderDaemonJson(answer.daemon_config.config, localDaemonKeys(paths));
    try {
      await ops.writeDaemonJson(paths.daemonJson, content);
    } catch (error) {
      throw new DockerFlowError('wants_config', `cannot write the daemon configuration: ${errnoText(error, paths.daemonJson)}`);
    }
    state.config = { key: want.configKey, hash: answer.daemon_config.hash };
    await this.store.save(state);
    facts.report('wants_config', { config_hash: answer.daemon_config.hash });
  }

  /** Launches dockerd and waits until it answers its TLS ping, or fails with its last log lines. */
  private async startDaemon(runner: DaemonRunner, endpoint: DaemonEndpoint, signal: AbortSignal): Promise<string> {
    const { facts, logger } = this.options;
    facts.report('starting', { progress: runner.mode === 'systemd' ? 'systemctl restart docker' : 'starting dockerd' });
    const watching = new AbortController();
    const both = AbortSignal.any([signal, watching.signal]);
    try {
      await runner.start();
      const version = await Promise.race([this.waitForAnswer(runner, endpoint, both), runner.startFailure(both)]);
      runner.healthy();
      logger.info({ version, address: endpoint.address }, 'dockerd answers on the overlay');
      return version;
    } catch (error) {
      if (signal.aborted) throw error;
      await runner.stop().catch(() => undefined);
      if (error instanceof DaemonStartError) throw new DockerFlowError('ready', error.message, error.logTail);
      throw error;
    } finally {
      watching.abort();
    }
  }

  private async waitForAnswer(runner: DaemonRunner, endpoint: DaemonEndpoint, signal: AbortSignal): Promise<string> {
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return (await this.options.ops.ping({ ...endpoint, timeoutMs: 5_000 }, signal)).version;
      } catch (error) {
        if (signal.aborted) throw new RequestAbortedError('aborted');
        if (Date.now() >= deadline) {
          throw new DaemonStartError(`dockerd did not answer on [${endpoint.address}]:2376 within ${Math.round(timeoutMs / 1000)} s (${(error as Error).message})`, await runner.recentLog());
        }
      }
      // dockerd binds its socket a few hundred ms after spawn: poll tightly at first (a refused connect is cheap).
      if (!(await sleep(deadline - Date.now() > timeoutMs - 5_000 ? 20 : 200, signal))) throw new RequestAbortedError('aborted');
    }
  }

  /** One handshake phase; retries what may heal (503, 409, 403, network) with backoff, reporting it in the facts. */
  private async post(state: DockerState, body: HandshakeBody, phase: DockerFactsPhase, signal: AbortSignal): Promise<HandshakeAnswer> {
    const { platform, facts, logger } = this.options;
    const backoff = new Backoff(this.options.retry);
    for (;;) {
      try {
        const answer = await platform.runtimeHandshake({ runtime: 'docker', ...body }, signal);
        state.host_id = answer.host_id;
        if (answer.api_endpoint !== undefined) state.api_endpoint = answer.api_endpoint;
        state.next = answer.next;
        facts.report(phase, { host_id: answer.host_id, ...(answer.api_endpoint ? { api_endpoint: answer.api_endpoint } : {}) });
        facts.clear('error', 'error_code', 'retrying');
        return answer;
      } catch (error) {
        if (signal.aborted) throw new RequestAbortedError('aborted');
        const kind = classifyHandshakeError(error);
        const message = (error as Error).message;
        if (kind === 'abort') throw error;
        if (kind === 'decommissioned') throw new InstanceDecommissionedError(message);
        if (kind === 'refused') throw new HandshakeRefusedError(body.phase, handshakeErrorCode(error), `the platform refused ${body.phase}: ${message}`);
        if (handshakeErrorCode(error) === 'IllegalState' && (body.phase === 'wants_config' || body.phase === 'ready')) {
          state.next = 'wants_cert';
          await this.store.save(state);
          throw new HandshakeOutOfStepError(`the platform is not at ${body.phase} for this host (${message}): starting over at wants_cert`);
        }
        const retryInMs = backoff.next();
        const code = handshakeErrorCode(error);
        facts.report(phase, { error: message, ...(code ? { error_code: code } : {}), retrying: true });
        logger.warn({ phase: body.phase, err: describeError(error), failures: backoff.failures, retry_in_ms: retryInMs }, 'runtime handshake failed, retrying');
        if (!(await sleep(retryInMs, signal))) throw new RequestAbortedError('aborted');
      }
    }
  }

  /** For reports that must not hold the flow up (failed, stopped): a few quick attempts, then give up. */
  private async postBestEffort(body: HandshakeBody, signal: AbortSignal): Promise<HandshakeAnswer | undefined> {
    const backoff = new Backoff(this.options.retry);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        return await this.options.platform.runtimeHandshake({ runtime: 'docker', ...body }, signal);
      } catch (error) {
        if (signal.aborted || classifyHandshakeError(error) !== 'retry') {
          this.options.logger.warn({ phase: body.phase, err: describeError(error) }, 'could not report to the platform');
          return undefined;
        }
        if (!(await sleep(Math.min(backoff.next(), 2_000), signal))) return undefined;
      }
    }
    return undefined;
  }

  private runnerFor(dockerd: string): DaemonRunner {
    this.runner ??= this.options.createRunner(dockerd);
    return this.runner;
  }

  private endpoint(overlay: string): DaemonEndpoint {
    const identity = this.options.platform.identity();
    return {
      address: overlay,
      rootPem: rootOf(identity),
      client: { keyPem: identity.keyPem, certChainPem: clientCertChain(identity) },
      ...(this.options.dial ? { dial: this.options.dial } : {}),
    };
  }

  private reportReady(state: DockerState, tls: { certPem: string }): void {
    const cert = daemonCertFacts(tls);
    this.options.facts.report('ready', {
      ...(state.host_id ? { host_id: state.host_id } : {}),
      ...(state.api_endpoint ? { api_endpoint: state.api_endpoint } : {}),
      ...(state.ready ? { version: state.ready.version } : {}),
      ...(state.config ? { config_hash: state.config.hash } : {}),
      cert_serial: cert.serial,
      cert_not_after: cert.notAfter.toISOString(),
    });
  }

  /** Wake up for the daemon certificate's renewal at 2/3 of its life (or a periodic look, whichever is first). */
  private untilRenewal(tls: { certPem: string }): number {
    const cert = daemonCertFacts(tls);
    const due = renewalTime({ notBefore: cert.notBefore, notAfter: cert.notAfter }).getTime() - this.now().getTime();
    return Math.max(0, Math.min(STEADY_RECHECK_MS, due));
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

/** `EACCES /etc/docker/daemon.json (permission denied)`: what an operator greps for. */
function errnoText(error: unknown, path?: string): string {
  const err = error as NodeJS.ErrnoException;
  const where = path ?? err.path;
  if (err.code !== undefined) return `${err.code}${where ? ` ${where}` : ''} (${err.message})`;
  return err instanceof Error ? err.message : String(error);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
