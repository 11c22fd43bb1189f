// Runs platform services side by side with prefixed, coloured logs. When one exits with a failure the
// others are stopped; Ctrl-C / SIGTERM / SIGHUP are forwarded to every service (concurrently's KillOnSignal).
import { concurrently } from 'concurrently';
import { serviceEnv } from './services.mjs';

const COLORS = ['cyan', 'magenta', 'green', 'yellow', 'blue', 'red', 'white', 'gray'];

/**
 * Starts every service (`node <entry>`) and resolves with the exit code the supervisor should use:
 * 0 after a signal or a clean stop, 1 when any service failed.
 */
export async function superviseServices(services, { cwd = process.cwd(), env = process.env } = {}) {
  let signalled = false;
  const onSignal = () => {
    signalled = true;
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(sig, onSignal);

  const { result } = concurrently(
    services.map((service, i) => ({
      name: service.name,
      // exec: the shell is replaced by node, so signals reach the service itself.
      command: ['exec node --enable-source-maps', service.entry, ...(service.args ?? [])].join(' '),
      env: serviceEnv(service, env),
      cwd,
      prefixColor: COLORS[i % COLORS.length],
    })),
    {
      prefix: 'name',
      padPrefix: true,
      killOthersOn: ['failure'],
      killSignal: 'SIGTERM',
      // A service that ignores SIGTERM is killed after this long.
      killTimeout: 10_000,
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
