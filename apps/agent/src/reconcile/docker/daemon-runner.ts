import type { DaemonRunMode } from './docker-paths.js';

/** How a daemon start ended before the daemon answered. */
export class DaemonStartError extends Error {
  constructor(
    message: string,
    /** dockerd's last log lines: what the operator reads to fix it. */
    readonly logTail: string[],
  ) {
    super(logTail.length === 0 ? message : `${message}; last log lines:\n${logTail.join('\n')}`);
    this.name = 'DaemonStartError';
  }
}

/** Runs the one dockerd of this reconciler: as the agent's child, or through systemd. */
export interface DaemonRunner {
  readonly mode: DaemonRunMode;
  /** Starts dockerd on the files as they are now, stopping a running one first; resolves once it is launched. */
  start(): Promise<void>;
  /** Rejects with a DaemonStartError if the daemon of the last start() ends before healthy(); never resolves otherwise. */
  startFailure(signal: AbortSignal): Promise<never>;
  /** The daemon answered its ping: from now on a death is restarted, not reported as a failed start. */
  healthy(): void;
  isRunning(): Promise<boolean>;
  /** Stops dockerd (SIGTERM, then SIGKILL after a grace); containers stay up with live-restore. */
  stop(): Promise<void>;
  /** Removes what the runner itself installed on the machine (the systemd drop-in); after stop(). */
  forget(): Promise<void>;
  /** dockerd's last log lines (its output, or the unit's journal). */
  recentLog(): Promise<string[]>;
  facts(): Record<string, unknown>;
}
