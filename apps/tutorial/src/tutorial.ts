import { randomBytes } from 'node:crypto';
import { cleanup } from './cleanup.js';
import { messageOf } from './errors.js';
import { PlatformSession, type CallRecord } from './platform-session.js';
import { Printer, seconds, type TutorialIo } from './printer.js';
import { STEPS } from './steps.js';
import type { StepContext, TutorialOptions, TutorialState } from './tutorial-context.js';
import { VERIFICATIONS } from './verifications.js';

export interface TutorialResult {
  state: TutorialState;
  calls: CallRecord[];
  /** Elapsed time of each step, Cleanup included. */
  timings: { step: string; ms: number }[];
}

/** The walk stopped: `step` names where. */
export class TutorialFailed extends Error {
  constructor(
    readonly step: string,
    readonly reason: string,
  ) {
    super(`${step}: ${reason}`);
  }
}

export const NEEDS_ROOT =
  'npm run tutorial needs root: the operator laptop it plays is a network namespace with a WireGuard interface (run it as root, as npm start is)';

/**
 * Walks Tutorial 03 (Steps 1–4, the three verifications, Cleanup) through the gateway's MCP endpoint, printing each
 * call, its answer and the time taken. Throws TutorialFailed naming the step (after cleaning up, unless `keep`).
 */
export async function runTutorial(options: TutorialOptions, io: TutorialIo): Promise<TutorialResult> {
  if (process.getuid?.() !== 0) throw new TutorialFailed('Prerequisites', NEEDS_ROOT);
  const printer = new Printer(io);
  const started = Date.now();
  io.out(`Tutorial 03 — Container runtime — Docker, through ${options.url}/mcp`);
  const platform = await PlatformSession.connect(options.url, options.token, printer).catch((error: unknown) => {
    throw new TutorialFailed('Connect', messageOf(error));
  });
  const state: TutorialState = { tag: randomBytes(3).toString('hex'), containerName: 'hello-web' };
  const ctx: StepContext = { platform, printer, options, state };
  const timings: { step: string; ms: number }[] = [];
  let failure: TutorialFailed | undefined;
  try {
    for (const step of [...STEPS, ...VERIFICATIONS]) {
      printer.step(step.title);
      platform.step = step.title;
      const stepStarted = Date.now();
      try {
        await step.run(ctx);
      } catch (error) {
        printer.failed(step.title, error);
        failure = new TutorialFailed(step.title, messageOf(error));
        break;
      }
      timings.push({ step: step.title, ms: Date.now() - stepStarted });
      printer.done(step.title, Date.now() - stepStarted);
    }
    if (options.keep) {
      printer.step('Cleanup skipped (--keep)');
      printer.note(`left in place: ${JSON.stringify({ template: state.templateId, instance: state.instanceId, network: state.networkId, host: state.hostId, laptop: state.laptopNamespace })}`);
    } else {
      printer.step('Cleanup');
      platform.step = 'Cleanup';
      const cleanupStarted = Date.now();
      const failures = await cleanup(ctx);
      timings.push({ step: 'Cleanup', ms: Date.now() - cleanupStarted });
      if (failures.length === 0) printer.done('Cleanup', Date.now() - cleanupStarted);
      failure ??= failures.length > 0 ? new TutorialFailed('Cleanup', failures.join('; ')) : undefined;
    }
  } finally {
    await platform.close();
  }
  io.out('');
  if (failure) {
    io.out(`FAILED at ${failure.step} after ${seconds(Date.now() - started)}: ${failure.reason}`);
    throw failure;
  }
  io.out(`Tutorial 03 done in ${seconds(Date.now() - started)}`);
  for (const t of timings) io.out(`  ${seconds(t.ms).padStart(9)}  ${t.step}`);
  return { state, calls: platform.calls, timings };
}
