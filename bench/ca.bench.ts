// CA benchmark: certificates signed per second through the CA service (NATS request `ca_sign`: CSR
// verified, certificate issued, `system.ca.certificate.issued` appended) with 1 and 2 replicas of the
// service as their own processes, against raw in-process Ed25519 issuance with @peculiar/x509
// (libs/pki), in the same run. Run: npm run bench:ca (builds first; needs NATS with JetStream and
// PostgreSQL, NATS_URL / DATABASE_URL override).
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caActions } from '@powernode/contracts';
import { buildCsr, generateKeyPair } from '@powernode/pki';
import { RpcClient, collectStatus, connectNats, serviceCaller } from '@powernode/service-kit';
import { dropTestPlatform, eventually, testPlatformEnv } from '@powernode/testing';
import { rawIssuer, timed } from './support/raw-issuance.js';

const CERTS = 3_000;

const platform = testPlatformEnv();
const stateDir = await mkdtemp(join(tmpdir(), 'powernode-bench-ca-'));
const env = {
  ...process.env,
  ...platform.env,
  DATABASE_SCHEMA: platform.schemaOf('ca'),
  CA_HTTP_PORT: '0',
  CA_KEK: Buffer.alloc(32, 3).toString('base64'),
  POWERNODE_STATE_DIR: stateDir,
  LOG_LEVEL: 'warn',
};
const nc = await connectNats(platform.env.NATS_URL!, 'bench-ca');
const rpc = new RpcClient(nc, platform.env.RPC_SUBJECT_PREFIX!, { serviceToken: platform.env.PLATFORM_SERVICE_TOKEN });
const replicas: ChildProcess[] = [];

async function scaleTo(count: number): Promise<void> {
  while (replicas.length < count) {
    replicas.push(spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_CPU_PROF] : []), 'dist/apps/ca/src/main.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] }));
  }
  await eventually(async () => {
    if ((await collectStatus(nc, platform.env.RPC_SUBJECT_PREFIX!, 'ca', 300)).length !== count) throw new Error(`waiting for ${count} CA replicas`);
  }, { timeoutMs: 30_000, intervalMs: 200 });
}

try {
  const keys = await generateKeyPair();
  const csrPem = await buildCsr({ keys, commonName: 'bench' });
  const sign = () => rpc.call(caActions.caSign, { input: { profile: 'agent-identity', csr_pem: csrPem, subject: { instance_id: 'bench-instance' } }, caller: serviceCaller('bench') });
  const raw = await rawIssuer();

  const best = { raw: 0, service_1: 0, service_2: 0 };
  await timed(500, raw); // warm-up
  best.raw = Math.max(await timed(CERTS, raw), await timed(CERTS, raw));
  for (const count of [1, 2] as const) {
    await scaleTo(count);
    await timed(300, sign); // warm-up (JIT, connections, the new replica's consumers)
    best[`service_${count}`] = Math.max(await timed(CERTS, sign), await timed(CERTS, sign));
  }

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(8);
  console.log('\nmode                                               rate');
  console.log(`raw issueCertificate (in-process, Ed25519)      ${fmt(best.raw)} certs/s`);
  console.log(`CA service ca_sign, 1 replica                   ${fmt(best.service_1)} certs/s   (${(best.service_1 / best.raw).toFixed(2)}x raw)`);
  console.log(`CA service ca_sign, 2 replicas                  ${fmt(best.service_2)} certs/s   (${(best.service_2 / best.raw).toFixed(2)}x raw)`);
  console.log(`(64 requests in flight, ${CERTS} per round, best of 2; every signature verified, every issuance an event)\n`);
  const r = Math.round;
  console.log(`RESULT ca service_1=${r(best.service_1)} service_2=${r(best.service_2)} raw=${r(best.raw)} ratio=${(best.service_1 / best.raw).toFixed(2)}`);
} finally {
  for (const child of replicas) child.kill('SIGTERM');
  await Promise.all(replicas.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
  await nc.close();
  await dropTestPlatform(platform, ['ca']);
  await rm(stateDir, { recursive: true, force: true });
}
process.exit(0);
