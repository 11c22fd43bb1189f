// Fleet benchmark: N simulated agents (the real agent code on simulated machines, bench/fleet) onboarded by one
// platform whose services run as processes, R replicas each. Provision N `external` instances (records and
// bootstrap tokens, no machine), attach them to SDWAN networks, start the agents (enrolment, long-poll), assign
// `docker-engine`, and time every host to `connected`. The ratio is handshakes/s against the CA's raw in-process
// signing rate measured in the same run (each handshake needs two signatures: the agent identity and the daemon).
// Run: npm run bench:fleet -- --agents N [--replicas R] [--processes P] [--network-size S] [--ramp A]
// (builds first; root; NATS with JetStream and PostgreSQL).
import 'reflect-metadata';
import { mkdtemp } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { catalogActions } from '@powernode/contracts';
import { testPlatformEnv } from '@powernode/testing';
import { planFleet } from './fleet/fleet-setup.js';
import { FleetWatch, ONBOARDING_PHASES, percentile } from './fleet/fleet-watch.js';
import { FleetWorkers } from './fleet/fleet-workers.js';
import { OverlayLink } from './fleet/overlay-link.js';
import { UsageMeter, pidsNamed } from './fleet/process-usage.js';
import { ProjectionLagSampler } from './fleet/projection-lag.js';
import { PLATFORM_SERVICES, startPlatformProcesses, type PlatformService } from './support/platform-processes.js';
import { rawSigningRate } from './support/raw-issuance.js';

const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000' },
    replicas: { type: 'string', default: '1' },
    processes: { type: 'string', default: '2' },
    'network-size': { type: 'string', default: '100' },
    ramp: { type: 'string', default: '1000' },
    'timeout-s': { type: 'string', default: '1800' },
  },
});
const AGENTS = positive('agents');
const REPLICAS = positive('replicas');
const PROCESSES = positive('processes');
const NETWORK_SIZE = positive('network-size');
const RAMP = positive('ramp');
const TIMEOUT_MS = positive('timeout-s') * 1000;
if (process.getuid?.() !== 0) throw new Error('the fleet puts its overlay addresses on a link of its own: run as root');

/** The gateway is not on the onboarding path; every other service runs R replicas. */
const SERVICES = PLATFORM_SERVICES.filter((s): s is Exclude<PlatformService, 'gateway'> => s !== 'gateway');
const ms = (v: number) => (Number.isNaN(v) ? '-' : `${Math.round(v)}`);
const line = (label: string, values: number[]) => `${label.padEnd(34)} n=${String(values.length).padStart(6)}  p50=${ms(percentile(values, 50)).padStart(6)} ms  p99=${ms(percentile(values, 99)).padStart(6)} ms`;

console.log(`fleet: ${AGENTS} agents in ${PROCESSES} simulator processes, ${REPLICAS} replica(s) of ${SERVICES.join(', ')}, networks of ${NETWORK_SIZE}`);
const caRawPerS = await rawSigningRate();
console.log(`CA raw in-process signing: ${Math.round(caRawPerS)} certs/s`);

const platform = testPlatformEnv();
platform.env.LOG_LEVEL = 'warn';
const link = new OverlayLink();
const services = await startPlatformProcesses(platform, {
  buildDir: 'dist',
  services: SERVICES,
  replicas: Object.fromEntries(SERVICES.map((s) => [s, REPLICAS])),
  env: { handshake: { HEARTBEAT_INTERVAL_S: '30' }, 'docker-proxy': { DOCKER_PROBE_INTERVAL_S: '30', DOCKER_PROBE_TIMEOUT_MS: '10000' } },
});
const lagSampler = new ProjectionLagSampler(services.nc, platform.env.EVENT_STREAM!, SERVICES.map((s) => platform.schemaOf(s)), platform.env.DATABASE_URL!);
const watch = new FleetWatch(services.nc, platform.env.EVENT_SUBJECT_PREFIX!);
let workers: FleetWorkers | undefined;
let cleaned: Promise<void> | undefined;
/** Everything this run made, once, also on Ctrl-C: the simulator, the services, the link (kernel state outlives us). */
const cleanup = () =>
  (cleaned ??= (async () => {
    const steps: [string, () => Promise<unknown> | void][] = [
      ['simulator', () => workers?.close()],
      ['event watch', () => watch.stop()],
      ['lag sampler', () => lagSampler.close()],
      ['services', () => services.destroy()],
      ['overlay link', () => link.destroy()],
    ];
    // Each step whatever the others did: a failed one must not leave the link (kernel state) behind.
    for (const [what, step] of steps) {
      await Promise.resolve()
        .then(step)
        .catch((error: unknown) => console.error(`cleanup: ${what} failed: ${String(error)}`));
    }
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}
try {
  await link.create();
  await lagSampler.open();

  let started = performance.now();
  const plan = await planFleet(services.call, { agents: AGENTS, networkSize: NETWORK_SIZE, concurrency: 64 });
  const provisionS = (performance.now() - started) / 1000;
  await link.add(plan.overlays);
  console.log(`provisioned and attached ${AGENTS} instances in ${provisionS.toFixed(1)} s (overlay link ${link.name}: ${link.size} addresses)`);

  const meters = new Map<string, UsageMeter>(SERVICES.map((s) => [s, new UsageMeter(() => services.pidsOf(s))]));
  // Shared with whatever else runs on the machine: on a quiet machine, the platform's own load.
  meters.set('nats-server', new UsageMeter(() => pidsNamed('nats-server')));
  meters.set('postgres', new UsageMeter(() => pidsNamed('postgres')));
  workers = new FleetWorkers({ processes: PROCESSES, platformUrl: services.handshakeUrl, stateRoot: await mkdtemp('/dev/shm/powernode-fleet-'), overlays: plan.overlays, rampPerSecond: RAMP });
  const simMeter = new UsageMeter(() => workers!.pids);
  started = performance.now();
  workers.start(plan.hosts);
  let ticks = 0;
  const enrolling = setInterval(() => {
    const s = workers!.status();
    console.log(`  +${((performance.now() - started) / 1000).toFixed(0)} s: enrolled ${watch.enrolled.size}/${AGENTS}, agent errors ${s.errors}, warnings ${s.warnings}`);
    if ((ticks += 1) % 6 === 0) console.log(`      by kind: ${topKinds(s.kinds)}`);
  }, 10_000);
  await until('every agent enrolled', () => watch.enrolled.size >= AGENTS, TIMEOUT_MS).finally(() => clearInterval(enrolling));
  const enrolS = (performance.now() - started) / 1000;
  console.log(`enrolled ${AGENTS} agents in ${enrolS.toFixed(1)} s (${Math.round(AGENTS / enrolS)}/s)`);

  for (const meter of [...meters.values(), simMeter]) meter.start();
  let maxLag = 0;
  const sampler = setInterval(() => {
    for (const meter of [...meters.values(), simMeter]) meter.sample();
    void lagSampler.sample().then(({ lags }) => (maxLag = Math.max(maxLag, ...lags.map((l) => l.lag))), () => undefined);
  }, 1_000);
  const assignedAt = performance.now();
  let shown = 0;
  const progress = setInterval(() => {
    const s = workers!.status();
    console.log(`  +${((performance.now() - assignedAt) / 1000).toFixed(0)} s: connected ${watch.connected}/${AGENTS}, failed handshakes ${watch.failed}, agent errors ${s.errors}, warnings ${s.warnings}, max projection lag ${maxLag}`);
    if (s.errors > shown) for (const recent of s.recent.slice(-3)) console.log(`      ${recent}`);
    shown = s.errors;
  }, 5_000);
  await services.call(catalogActions.systemAssignModuleToTemplate, { template_id: plan.templateId, module_name: 'docker-engine' });
  const finished = await Promise.race([watch.connectedAtLeast(AGENTS).then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), TIMEOUT_MS).unref())]);
  const lastConnected = finished ? watch.lastConnectedAt() : performance.now();
  clearInterval(progress);
  const seconds = (lastConnected - assignedAt) / 1000;

  // Projection lag back to 0 after the last handshake.
  let lagZeroMs = Number.NaN;
  for (const deadline = performance.now() + 120_000; performance.now() < deadline; ) {
    const { lags } = await lagSampler.sample();
    if (lags.every((l) => l.lag === 0)) {
      lagZeroMs = Math.max(0, performance.now() - lastConnected);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  clearInterval(sampler);

  const status = workers.status();
  const errors = watch.failed + status.errors + (AGENTS - watch.connected);
  const handshakesPerS = watch.connected / seconds;
  const stream = await (await jetstreamManager(services.nc)).streams.info(platform.env.EVENT_STREAM!);

  console.log(`\nphases (per host, from the events' arrival):`);
  console.log(line('provision (record + token)', plan.timings.provisionMs));
  console.log(line('attach to SDWAN network', plan.timings.attachMs));
  for (let i = 1; i < ONBOARDING_PHASES.length; i += 1) {
    console.log(line(`${ONBOARDING_PHASES[i - 1]!.split('.').slice(-1)[0]} → ${ONBOARDING_PHASES[i]!.split('.').slice(-1)[0]}`, watch.durations(ONBOARDING_PHASES[i - 1]!, ONBOARDING_PHASES[i]!)));
  }
  console.log(line('assigned → connected', watch.durations(ONBOARDING_PHASES[0], ONBOARDING_PHASES[ONBOARDING_PHASES.length - 1]!)));
  console.log(`\nevent log: ${stream.state.messages} commits, ${(stream.state.bytes / 1024 / 1024).toFixed(1)} MiB (${Math.round(stream.state.bytes / AGENTS)} bytes per host)`);
  console.log(`projection lag: max ${maxLag} commits during onboarding; back to 0 ${ms(lagZeroMs)} ms after the last handshake`);
  console.log(`\nusage during onboarding (CPU seconds, peak RSS):`);
  for (const [service, meter] of meters) console.log(`  ${service.padEnd(14)} x${SERVICES.includes(service as never) ? REPLICAS : '-'}  cpu ${meter.cpuSeconds().toFixed(1).padStart(6)} s  rss ${meter.peakRssMiB.toFixed(0).padStart(5)} MiB`);
  console.log(`  ${'simulator'.padEnd(14)} x${PROCESSES}  cpu ${simMeter.cpuSeconds().toFixed(1).padStart(6)} s  rss ${simMeter.peakRssMiB.toFixed(0).padStart(5)} MiB`);
  if (status.recent.length) console.log(`\nlast agent warnings/errors:\n  ${status.recent.slice(-5).join('\n  ')}`);
  if (status.warnings + status.errors > 0) console.log(`agent warnings/errors by kind (whole run): ${topKinds(status.kinds)}`);
  if (watch.lastFailure) console.log(`last handshake failure: ${watch.lastFailure}`);
  console.log(`\nassign → all ${watch.connected} connected: ${seconds.toFixed(1)} s, ${handshakesPerS.toFixed(0)} handshakes/s; CA raw ${Math.round(caRawPerS)} signatures/s`);
  console.log(
    `RESULT fleet agents=${AGENTS} connected=${watch.connected} seconds=${seconds.toFixed(1)} errors=${errors} handshakes_per_s=${handshakesPerS.toFixed(1)} replicas=${REPLICAS} lag_zero_ms=${ms(lagZeroMs)} ratio=${(handshakesPerS / caRawPerS).toFixed(3)}`,
  );
  process.exitCode = errors === 0 ? 0 : 1;
} finally {
  await cleanup();
}
process.exit(process.exitCode ?? 0);

function positive(name: keyof typeof args): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, not ${JSON.stringify(args[name])}`);
  return value;
}

async function until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The most frequent kinds of agent warnings and errors, most frequent first. */
function topKinds(kinds: Record<string, number>, n = 6): string {
  return Object.entries(kinds)
    .sort(([, a], [, b]) => b - a)
    .slice(0, n)
    .map(([kind, count]) => `${kind} ×${count}`)
    .join('; ') || 'none';
}
