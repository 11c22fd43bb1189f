#!/usr/bin/env node
// Runs one service as N replicas on this machine with node:cluster:
//   node scripts/replicas.mjs --replicas N -- <entry.js> [args...]
// Each worker is a full, independent replica (its own NATS and PostgreSQL connections); POWERNODE_REPLICA=<0..N-1>
// tells it which one it is. The primary opens the listening sockets of whatever the workers listen on (HTTP, HTTPS,
// gRPC) and shares them, so N processes share one port (port 0 too); each worker accepts for itself (SCHED_NONE), so
// every accepted socket keeps its real remote address and a busy worker simply accepts less. Node's default on Linux,
// round-robin, has the primary accept every connection and hand it over one at a time, waiting for the worker's ack:
// under a burst (10,000 agents at once) the primary queued thousands of connections, each older than the client's
// timeout by the time a worker got it, and nothing was served at all.
// The primary forwards SIGINT/SIGTERM/SIGHUP to every worker, SIGKILLs those still running after a grace, and exits
// once all have exited (0 when every worker exited 0). A worker that dies outside a shutdown is restarted with backoff.
// Plain ESM, node: built-ins only.
import cluster from 'node:cluster';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = 'usage: node scripts/replicas.mjs --replicas N -- <entry.js> [args...]';
/** How long workers get to finish after a shutdown signal before they are SIGKILLed. */
const SHUTDOWN_GRACE_MS = 15_000;
const RESTART_FIRST_MS = 1_000;
const RESTART_MAX_MS = 30_000;
/** A worker that ran this long before dying restarts after RESTART_FIRST_MS again. */
const HEALTHY_AFTER_MS = 60_000;

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** `--replicas N -- entry [args...]` (also `--replicas=N`); throws with a message on anything else. */
export function parseArgs(argv) {
  let replicas;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    let value;
    if (arg === '--replicas') value = argv[++i];
    else if (arg.startsWith('--replicas=')) value = arg.slice('--replicas='.length);
    else throw new Error(`unexpected argument ${JSON.stringify(arg)}`);
    if (value === undefined || !/^[1-9][0-9]*$/.test(value)) throw new Error(`--replicas needs a positive integer, got ${JSON.stringify(value ?? '')}`);
    replicas = Number(value);
  }
  const [entry, ...args] = argv.slice(i);
  if (replicas === undefined) throw new Error('--replicas N is required');
  if (!entry) throw new Error('the entry script after -- is missing');
  return { replicas, entry, args };
}

/** One JSON line in the services' pino shape. */
function makeLogger(entry, threshold) {
  const base = { pid: process.pid, hostname: hostname(), service: 'replicas', name: 'replicas', entry };
  return (level, fields, msg) => {
    if (LEVELS[level] < threshold) return;
    process.stdout.write(`${JSON.stringify({ level: LEVELS[level], time: Date.now(), ...base, ...fields, msg })}\n`);
  };
}

function runPrimary({ replicas, entry, args }) {
  const log = makeLogger(entry, LEVELS[(process.env.LOG_LEVEL ?? 'info').toLowerCase()] ?? LEVELS.info);
  // Workers inherit this process's node options (e.g. --enable-source-maps). Set before the first fork (see the header).
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ exec: path.resolve(entry), args });

  /** Per replica index: its worker, when it was forked, and the next restart delay. */
  const slots = Array.from({ length: replicas }, () => ({ worker: undefined, startedAt: 0, delayMs: RESTART_FIRST_MS, timer: undefined }));
  let stopping;
  let failed = false;
  let killTimer;

  const live = () => slots.filter((slot) => slot.worker !== undefined);

  const finishIfDone = () => {
    if (stopping === undefined || live().length > 0) return;
    clearTimeout(killTimer);
    const code = failed ? 1 : 0;
    log(code === 0 ? 'info' : 'warn', { code }, 'all replicas exited');
    process.exit(code);
  };

  const fork = (index) => {
    const slot = slots[index];
    slot.timer = undefined;
    slot.startedAt = Date.now();
    const worker = cluster.fork({ POWERNODE_REPLICA: String(index) });
    slot.worker = worker;
    const pid = worker.process.pid;
    log('info', { replica: index, worker_pid: pid }, 'replica started');
    worker.on('exit', (code, signal) => {
      slot.worker = undefined;
      if (stopping !== undefined) {
        if (code !== 0) failed = true;
        log(code === 0 ? 'info' : 'warn', { replica: index, worker_pid: pid, code, signal }, 'replica stopped');
        finishIfDone();
        return;
      }
      const ranMs = Date.now() - slot.startedAt;
      if (ranMs >= HEALTHY_AFTER_MS) slot.delayMs = RESTART_FIRST_MS;
      const delay = slot.delayMs;
      slot.delayMs = Math.min(delay * 2, RESTART_MAX_MS);
      log('warn', { replica: index, worker_pid: pid, code, signal, ran_ms: ranMs, restart_in_ms: delay }, 'replica exited; restarting');
      slot.timer = setTimeout(() => fork(index), delay);
    });
  };

  const shutdown = (signal) => {
    if (stopping !== undefined) {
      // A second signal (e.g. Ctrl-C twice) is passed on as well; the grace timer still applies.
      for (const slot of live()) slot.worker.process.kill(signal);
      return;
    }
    stopping = signal;
    for (const slot of slots) {
      clearTimeout(slot.timer);
      slot.timer = undefined;
    }
    log('info', { signal, replicas: live().length }, 'stopping replicas');
    for (const slot of live()) slot.worker.process.kill(signal);
    killTimer = setTimeout(() => {
      for (const slot of live()) {
        failed = true;
        log('error', { replica: slots.indexOf(slot), worker_pid: slot.worker.process.pid, grace_ms: SHUTDOWN_GRACE_MS }, 'replica still running after the grace; killing it');
        slot.worker.process.kill('SIGKILL');
      }
    }, SHUTDOWN_GRACE_MS);
    killTimer.unref();
    finishIfDone();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => shutdown(signal));

  log('info', { replicas, args }, 'starting replicas');
  for (let index = 0; index < replicas; index++) fork(index);
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain && cluster.isPrimary) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`replicas: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  runPrimary(options);
}
