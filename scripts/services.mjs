// The platform's services and the environment they read: one list for `npm start` (scripts/start.mjs),
// docker-compose.yml and the README. scripts/compose-sync.unit.spec.ts fails when compose drifts from it.
// Plain ESM with no imports: start.mjs loads it before node_modules may exist.

/**
 * Every environment variable a platform service reads.
 * `default` is what the code assumes when the variable is unset (undefined = optional, no default).
 * `perDeployment` marks addresses and paths that legitimately differ between a laptop and compose;
 * every other variable must have the same value everywhere.
 */
export const PLATFORM_ENV = {
  NATS_URL: {
    default: 'nats://127.0.0.1:4222',
    perDeployment: true,
    description: 'NATS server (JetStream enabled) for events and request/reply.',
  },
  DATABASE_URL: {
    default: 'postgres://postgres@127.0.0.1:5432/powernode',
    perDeployment: true,
    description: 'PostgreSQL for read models and checkpoints. `npm start` creates the database if missing.',
  },
  DATABASE_SCHEMA: {
    default: 'gateway',
    description: "PostgreSQL schema holding the service's tables and its migrations table (one per service).",
  },
  EVENT_STREAM: {
    default: 'POWERNODE_EVENTS',
    description: 'JetStream stream holding every event.',
  },
  EVENT_SUBJECT_PREFIX: {
    default: 'system',
    description: 'Event subjects are `<prefix>.<context>.<aggregate>.<id>`; the stream captures `<prefix>.>`.',
  },
  EVENT_STREAM_REPLICAS: {
    default: '1',
    description: 'Replicas of the event stream (3 on a NATS cluster).',
  },
  RPC_SUBJECT_PREFIX: {
    default: 'powernode.rpc',
    description: 'Subject prefix for command/query request-reply, one subject per action.',
  },
  GATEWAY_HTTP_HOST: {
    default: '127.0.0.1',
    perDeployment: true,
    description: 'Address the gateway HTTP API (and MCP) listens on.',
  },
  GATEWAY_HTTP_PORT: {
    default: '8080',
    description: 'Port of the gateway HTTP API.',
  },
  GATEWAY_GRPC_ADDR: {
    default: '127.0.0.1:50051',
    perDeployment: true,
    description: 'host:port the gateway gRPC server listens on.',
  },
  POWERNODE_STATE_DIR: {
    default: '.powernode',
    perDeployment: true,
    description: 'Local state directory (relative to the working directory); the gateway writes `operator-token` here.',
  },
  LOG_LEVEL: {
    default: 'info',
    description: 'pino level: fatal, error, warn, info, debug, trace, silent.',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    default: undefined,
    perDeployment: true,
    description: 'OTLP/HTTP endpoint for traces; tracing export is off when unset.',
  },
  OTEL_SERVICE_NAME: {
    default: undefined,
    perDeployment: true,
    description: 'Service name reported in traces (the gateway defaults to powernode-gateway).',
  },
};

/** Variables every service reads (libs/service-kit baseServiceEnv). */
const BASE_ENV = [
  'NATS_URL',
  'DATABASE_URL',
  'EVENT_STREAM',
  'EVENT_SUBJECT_PREFIX',
  'EVENT_STREAM_REPLICAS',
  'RPC_SUBJECT_PREFIX',
  'LOG_LEVEL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SERVICE_NAME',
];

/**
 * The platform services `npm start` supervises and docker-compose.yml runs, one container each.
 * `entry` is relative to the repo root after `npm run build`; `env` lists every variable the service reads.
 */
export const SERVICES = [
  {
    name: 'gateway',
    entry: 'dist/apps/gateway/src/main.js',
    env: [...BASE_ENV, 'DATABASE_SCHEMA', 'GATEWAY_HTTP_HOST', 'GATEWAY_HTTP_PORT', 'GATEWAY_GRPC_ADDR', 'POWERNODE_STATE_DIR'],
  },
];

/** Default value of every variable that has one, e.g. for a supervisor building a child environment. */
export const ENV_DEFAULTS = Object.fromEntries(
  Object.entries(PLATFORM_ENV)
    .filter(([, spec]) => spec.default !== undefined)
    .map(([name, spec]) => [name, spec.default]),
);

/** The environment for one service: the caller's values win, defaults fill the rest. */
export function serviceEnv(service, env = process.env) {
  const out = {};
  for (const name of service.env) {
    const value = env[name] !== undefined && env[name] !== '' ? env[name] : ENV_DEFAULTS[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
