import { runAgent } from './agent.js';
import { USAGE, parseAgentArgs, type AgentOptions } from './cli-args.js';
import { AgentFatalError, describeError } from './errors.js';
import { createAgentLogger } from './logger.js';
import { AGENT_VERSION } from './version.js';

// powernode-agent: runs on each managed machine. Exit codes: 0 stopped by a signal, 1 fatal, 2 bad usage.
const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

let options: AgentOptions;
try {
  options = parseAgentArgs(argv, process.env);
} catch (error) {
  process.stderr.write(`powernode-agent: ${(error as Error).message}\n`);
  process.exit(error instanceof AgentFatalError ? error.exitCode : 2);
}

const logger = createAgentLogger(options.logLevel);
const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stop.signal.aborted) process.exit(0); // a second signal: do not wait for anything
    logger.info({ signal }, 'stopping');
    stop.abort();
  });
}

const target = options.role === 'node' ? { platform_url: options.platformUrl.origin } : { endpoint: options.endpoint ?? null };
logger.info({ version: AGENT_VERSION, ...target, state_dir: options.stateDir, role: options.role }, 'powernode-agent starting');
try {
  await runAgent(options, logger, stop.signal);
  logger.info('stopped');
  process.exit(0);
} catch (error) {
  const exitCode = error instanceof AgentFatalError ? error.exitCode : 1;
  logger.fatal({ err: describeError(error), exit_code: exitCode }, error instanceof AgentFatalError ? error.message : 'agent crashed');
  process.stderr.write(`powernode-agent: ${describeError(error).message}\n`);
  process.exit(exitCode);
}
