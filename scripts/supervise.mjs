// Runs platform services side by side with prefixed, coloured logs. When one exits with a failure the
// others are stopped; Ctrl-C / SIGTERM / SIGHUP are forwarded to every service (concurrently's KillOnSignal).
// Every service runs through scripts/replicas.mjs as N node:cluster workers (N = 1 by default; a singleton such as the
// hub always 1): its primary restarts a worker that crashes, with backoff, and logs each restart.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { concurrently } from 'concurrently';
import { serviceEnv } from './services.mjs';

const REPLICAS_SCRIPT = fileURLToPath(new URL('./replicas.mjs', import.meta.url));

/** Quotes a word for sh when it holds anything but safe characters. */
const shellWord = (word) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** `exec node ...` for one service: the replicas primary with N workers (one for a singleton), which restarts a crashed one. */
export function serviceCommand(service, replicas, cwd) {
  const target = [service.entry, ...(service.args ?? [])];
  const argv = [path.relative(cwd, REPLICAS_SCRIPT), '--replicas', String(service.singleton ? 1 : replicas), '--', ...target];
  return ['exec', 'node', '--enable-source-maps', ...argv.map(shellWord)].join(' ');
}

const COLORS = ['cyan', 'magenta', 'green', 'yellow', 'blue', 'red', 'white', 'gray'];

/**
 * Starts every service (`node <entry>`, through scripts/replicas.mjs with `replicas[name]` workers, default 1) and
 * resolves with the exit code the supervisor should use: 0 after a signal or a clean stop, 1 when any service failed.
 */
export async function superviseServices(services, { cwd = process.cwd(), env = process.env, replicas = {} } = {}) {
  let signalled = false;
  const onSignal = () => {
    signalled = true;
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(sig, onSignal);

  const { result } = concurrently(
    services.map((service, i) => ({
      name: service.name,
      // exec: the shell is replaced by node, so signals reach the service (or its replicas primary) itself.
      command: serviceCommand(service, replicas[service.name] ?? 1, cwd),
      env: serviceEnv(service, env),
      cwd,
      prefixColor: COLORS[i % COLORS.length],
    })),
    {
      prefix: 'name',
      padPrefix: true,
      killOthersOn: ['failure'],
      killSignal: 'SIGTERM',
      // A service that ignores SIGTERM is killed after this long; longer than scripts/replicas.mjs's own 15 s grace,
      // so the replicas primary SIGKILLs its stragglers itself (its workers also exit when it dies).
      killTimeout: 20_000,
      restartTries: 0,
      handleInput: false,
    },
  );

  try {
    await result;
    return 0;
  } catch (closeEvents) {
    if (signalled) return 0;
    const failed = Array.isArray(closeEvents)
      ? closeEvents.filter((e) => e.exitCode !== 0 && !e.killed).map((e) => `${e.command.name} (exit ${e.exitCode})`)
      : [];
    console.error(`[start] stopped: ${failed.length ? failed.join(', ') : 'a service'} failed`);
    return 1;
  }
}
