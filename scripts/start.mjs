#!/usr/bin/env node
// `npm start`: install if needed (npm packages; as root, the Debian packages local instances need), check NATS and
// PostgreSQL, build, then supervise every platform service.
//   npm start -- --replicas handshake=2,docker-proxy=2     (or POWERNODE_REPLICAS=all=2; the flag wins per service)
// runs those services as N node:cluster workers each (scripts/replicas.mjs); the hub is always one.
// Only node: built-ins are imported statically; packages load after `npm ci` may have run.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV_DEFAULTS, SERVICES, parseReplicas } from './services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const PROBE_TIMEOUT_MS = 2000;
const START_NATS =
  'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log';
const START_POSTGRES = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

const env = (name) => (process.env[name] ? process.env[name] : ENV_DEFAULTS[name]);
const log = (msg) => console.log(`[start] ${msg}`);

function run(cmd, args) {
  log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[start] \`${[cmd, ...args].join(' ')}\` failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}

/** Resolves with the first chunk the server sends, or rejects on refusal/timeout. */
function tcpProbe(host, port, { read = false } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const done = (err, data) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(data);
    };
    const timer = setTimeout(() => done(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    socket.once('error', (err) => done(err));
    if (read) socket.once('data', (chunk) => done(null, chunk.toString('utf8')));
    else socket.once('connect', () => done(null, ''));
  });
}

function natsAddress(url) {
  const first = url.split(',')[0].trim();
  const u = new URL(first.includes('://') ? first : `nats://${first}`);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 4222) };
}

async function checkNats(url) {
  const { host, port } = natsAddress(url);
  try {
    const banner = await tcpProbe(host, port, { read: true });
    const info = banner.startsWith('INFO ') ? JSON.parse(banner.slice(5).split('\r\n')[0]) : undefined;
    if (!info) return `something answers on ${host}:${port} but it is not a NATS server`;
    if (!info.jetstream) return `NATS ${info.version} on ${host}:${port} runs without JetStream (start it with -js)`;
    return null;
  } catch (err) {
    return `cannot reach NATS at ${host}:${port}: ${err.message}`;
  }
}

async function checkPostgresTcp(url) {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(u.port || 5432);
  try {
    await tcpProbe(host, port);
    return null;
  } catch (err) {
    return `cannot reach PostgreSQL at ${host}:${port}: ${err.message}`;
  }
}

/** Creates the database named in DATABASE_URL when missing, connecting to the `postgres` database. */
async function ensureDatabase(url) {
  const { default: pg } = await import('pg');
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'postgres';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  try {
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
      log(`created database ${dbName}`);
    }
    return null;
  } catch (err) {
    return `PostgreSQL at ${target.host} answered but database "${dbName}" is not usable: ${err.message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The first address after an IPv4 prefix's base (`198.18.0.0/15` → `198.18.0.1`): the local provider's gateway. */
function gatewayIpv4(prefix) {
  const octets = prefix.split('/')[0].split('.').map(Number);
  const value = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3] + 1;
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

async function preflight() {
  const natsUrl = env('NATS_URL');
  const dbUrl = env('DATABASE_URL');
  const [natsProblem, pgProblem] = await Promise.all([checkNats(natsUrl), checkPostgresTcp(dbUrl)]);
  const problems = [];
  if (natsProblem) {
    problems.push(`NATS (NATS_URL=${natsUrl}): ${natsProblem}\n  start it with:  ${START_NATS}\n  or:             docker compose up -d nats`);
  }
  if (pgProblem) {
    problems.push(`PostgreSQL (DATABASE_URL=${redact(dbUrl)}): ${pgProblem}\n  start it with:  ${START_POSTGRES}\n  or:             docker compose up -d postgres`);
  } else {
    const dbProblem = await ensureDatabase(dbUrl);
    if (dbProblem) problems.push(`PostgreSQL (DATABASE_URL=${redact(dbUrl)}): ${dbProblem}`);
  }
  if (problems.length) {
    for (const p of problems) console.error(`[start] ${p}`);
    process.exit(1);
  }
  log(`NATS ok (${natsUrl}), PostgreSQL ok (${redact(dbUrl)})`);
}

/** Debian packages the local platform runs: WireGuard (userspace), dockerd for instances, the image registry and its seed. */
const SYSTEM_PACKAGES = ['wireguard-go', 'wireguard-tools', 'iproute2', 'docker.io', 'docker-registry', 'busybox-static'];

/**
 * As root with the local provider on a Debian machine: installs what is missing (as CI does), without letting a package
 * start its daemon (a dockerd in the root namespace sets the FORWARD policy to DROP and breaks the instances' underlay).
 * Otherwise only says what is missing.
 */
function installSystemPackages() {
  if (env('INSTANCE_PROVIDER') !== 'local' || spawnSync('dpkg-query', ['--version']).status !== 0) return;
  const missing = SYSTEM_PACKAGES.filter((name) => !debianPackageInstalled(name));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    log(`missing Debian packages ${missing.join(', ')} (as root: apt-get install ${missing.join(' ')}); local instances need them`);
    return;
  }
  log(`installing ${missing.join(', ')}`);
  const guard = '/usr/sbin/policy-rc.d';
  const guarded = !existsSync(guard);
  if (guarded) writeFileSync(guard, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const apt = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
    if (!apt(['install', '-y', '-q', '--no-install-recommends', ...missing]) && !(apt(['update', '-q']) && apt(['install', '-y', '-q', '--no-install-recommends', ...missing]))) {
      console.error(`[start] could not install ${missing.join(', ')} with apt-get; install them and run npm start again`);
      process.exit(1);
    }
  } finally {
    if (guarded) rmSync(guard, { force: true });
  }
}

/** Whether a Debian package is installed (dpkg-query); false where there is no dpkg. */
function debianPackageInstalled(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/**
 * The platform image registry (docker-proxy) runs Debian's docker-registry and builds its seed image from busybox-static.
 * As root with the local provider it serves on the provider's gateway address, which every local instance reaches
 * through its default route (like the hub). Asked for explicitly without those packages: fail; by default: go without.
 */
function platformRegistryEnv() {
  const REGISTRY_PACKAGES = ['docker-registry', 'busybox-static'];
  const missing = REGISTRY_PACKAGES.filter((name) => !debianPackageInstalled(name));
  const install = `apt-get install --no-install-recommends ${missing.join(' ')}`;
  if (process.env.PLATFORM_REGISTRY_ADDR) {
    if (missing.length) {
      console.error(`[start] PLATFORM_REGISTRY_ADDR=${process.env.PLATFORM_REGISTRY_ADDR} needs the Debian packages ${missing.join(', ')}\n  install them with:  ${install}`);
      process.exit(1);
    }
  } else if (env('INSTANCE_PROVIDER') === 'local' && process.getuid?.() === 0) {
    if (missing.length) log(`not starting the platform registry: it needs ${missing.join(', ')} (${install})`);
    else process.env.PLATFORM_REGISTRY_ADDR = `${gatewayIpv4(env('INSTANCE_UNDERLAY_IPV4_PREFIX'))}:5000`;
  }
  if (!process.env.PLATFORM_REGISTRY_DIR) process.env.PLATFORM_REGISTRY_DIR = path.resolve(env('POWERNODE_STATE_DIR'), 'registry');
  if (process.env.PLATFORM_REGISTRY_ADDR) log(`platform registry: https://${process.env.PLATFORM_REGISTRY_ADDR} (storage ${process.env.PLATFORM_REGISTRY_DIR})`);
}

const USAGE = 'usage: npm start [-- --replicas <service>=<N>[,<service>=<N>...]]   (also POWERNODE_REPLICAS=...; `all=<N>` for every service)';

/** Replica counts from POWERNODE_REPLICAS and `--replicas` (repeatable); exits 2 on anything it does not understand. */
function replicaCounts(argv) {
  const specs = [process.env.POWERNODE_REPLICAS];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--replicas' && i + 1 < argv.length) specs.push(argv[++i]);
    else if (arg.startsWith('--replicas=')) specs.push(arg.slice('--replicas='.length));
    else {
      console.error(`[start] ${arg === '--replicas' ? '--replicas needs a value' : `unknown argument ${JSON.stringify(arg)}`}\n${USAGE}`);
      process.exit(2);
    }
  }
  try {
    return parseReplicas(specs);
  } catch (err) {
    console.error(`[start] ${err.message}${process.env.POWERNODE_REPLICAS ? ` (POWERNODE_REPLICAS=${process.env.POWERNODE_REPLICAS})` : ''}\n${USAGE}`);
    process.exit(2);
  }
}

async function main() {
  const replicas = replicaCounts(process.argv.slice(2));
  if (!existsSync(path.join(root, 'node_modules'))) run('npm', ['ci']);
  await preflight();
  installSystemPackages();
  platformRegistryEnv();
  run('npm', ['run', 'build']);

  for (const service of SERVICES) {
    if (!existsSync(path.join(root, service.entry))) {
      console.error(`[start] ${service.name}: ${service.entry} was not produced by the build.`);
      process.exit(1);
    }
  }

  // Internal actions (ca_sign, ...) are answered only for callers holding this; one per run unless given.
  if (!process.env.PLATFORM_SERVICE_TOKEN) process.env.PLATFORM_SERVICE_TOKEN = randomBytes(32).toString('base64url');

  const services = SERVICES.filter((service) => {
    if (!service.needsRoot || process.getuid?.() === 0) return true;
    log(`not starting ${service.name}: it needs root (WireGuard interfaces); the overlay will not reach this machine`);
    return false;
  });
  // The hub advertises the local provider's gateway, which every local instance reaches through its default route.
  if (!process.env.POWERNODE_HUB_ENDPOINT && env('INSTANCE_PROVIDER') === 'local') process.env.POWERNODE_HUB_ENDPOINT = `${gatewayIpv4(env('INSTANCE_UNDERLAY_IPV4_PREFIX'))}:51820`;
  if (!process.env.POWERNODE_AGENT_STATE_DIR) process.env.POWERNODE_AGENT_STATE_DIR = path.resolve(env('POWERNODE_STATE_DIR'), 'hub');

  log(`replicas: ${services.map((service) => `${service.name}=${replicas[service.name]}${service.singleton ? ' (one per machine)' : ''}`).join(' ')}`);

  const { superviseServices } = await import('./supervise.mjs');
  // The gateway prints the operator token path and a curl example once it listens.
  process.exit(await superviseServices(services, { cwd: root, replicas }));
}

main().catch((err) => {
  console.error('[start]', err);
  process.exit(1);
});
