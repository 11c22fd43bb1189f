// Docker proxy benchmark: `docker_list_containers` through the gateway (HTTP → gateway → NATS → docker-proxy →
// dockerd over mTLS on the overlay) against dockerode straight to the same daemon over the same overlay, both with
// keep-alive, in interleaved blocks of the same run. Then gateway throughput at concurrency 16, and a breakdown of
// where a gateway call's time goes (each piece timed on its own, sequentially).
// Goal (the issue): gateway p50 ≤ 1.5 × direct p50, ≥ 1,000 req/s through the gateway.
// Run: npm run bench:proxy (builds first; root; NATS, PostgreSQL, wireguard-go, docker.io).
// Shape: by default the gateway and the docker-proxy run as their own processes from the build, as `npm start` runs
// them (BENCH_PROXY_SHAPE=in-process puts them in this process, sharing the load generator's event loop; the
// breakdown then also times their internal pieces). BENCH_CHILD_NODE_OPTIONS (e.g. --cpu-prof) goes to the children.
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import { inspect, promisify } from 'node:util';
import Docker from 'dockerode';
import { caActions } from '@powernode/contracts';
import { buildCsr, exportPrivateKeyPem, generateKeyPair } from '@powernode/pki';
import { eventually } from '@powernode/testing';
import { printBreakdown } from './proxy-breakdown.js';
import { interleavedLatencies, percentile, throughput, type Probe } from './proxy-load.js';
import { startLocalPlatform } from './support/local-platform.js';

const CONTAINERS = 5;
const SAMPLES = 300;
const BLOCK = 50;
const WARM_UP = 100;
const CONCURRENCY = 16;
const THROUGHPUT_MS = 5_000;
const BREAKDOWN_N = 200;

const run = promisify(execFile);

const SHAPE = process.env.BENCH_PROXY_SHAPE === 'in-process' ? 'in-process' : 'processes';
const local = SHAPE === 'processes' ? await startLocalPlatform({ gateway: true, processes: true }) : await startLocalPlatform({ gateway: true });
console.log(`shape: ${SHAPE === 'processes' ? 'gateway and docker-proxy in their own processes' : 'everything in this process'}`);
let failed = false;
try {
  const gateway = local.gateway!;
  const { template } = await local.tool('system_create_template', { name: `proxy-${local.prefix}` });
  const { instance } = await local.tool('system_provision_instance', { template_id: template.id, name: `${local.prefix}-proxy` });
  await eventually(async () => {
    if ((await local.tool('system_get_instance', { id: instance.id })).instance.status !== 'online') throw new Error('instance not online yet');
  }, { timeoutMs: 30_000, intervalMs: 200 });
  const { network } = await local.tool('system_sdwan_create_network', { name: `proxy-${local.prefix}` });
  const overlay: string = (await local.tool('system_sdwan_attach_peer', { network_id: network.id, node_instance_id: instance.id })).peer.overlay_address;
  await local.tool('system_assign_module_to_template', { template_id: template.id, module_name: 'docker-engine' });
  let hostId = '';
  await eventually(async () => {
    const host = ((await local.tool('docker_list_hosts', {})).hosts as { id: string; node_instance_id: string; status: string }[]).find((h) => h.node_instance_id === instance.id);
    if (host?.status !== 'connected') throw new Error(`host is ${host?.status ?? 'absent'}`);
    hostId = host.id;
  }, { timeoutMs: 150_000, intervalMs: 500 });
  console.log(`host ${hostId} connected on [${overlay}]:2376`);

  // The direct client: the platform's own kind of certificate, keep-alive mutual TLS, as the docker-proxy's pool has.
  const keys = await generateKeyPair();
  const signed = await local.ca.call(caActions.caSign, { profile: 'docker-platform-client', csr_pem: await buildCsr({ keys, commonName: 'bench' }), subject: {} });
  const tls = { ca: signed.chain_pem as string[], cert: signed.cert_pem + signed.chain_pem[0], key: await exportPrivateKeyPem(keys.privateKey) };
  const directAgent = new HttpsAgent({ keepAlive: true, maxSockets: 32, maxFreeSockets: 32, ...tls });
  // As the docker-proxy's pool does: docker-modem util.inspect()s the request options (this agent and its sockets)
  // on every request, debug on or not; without a one-word inspect the baseline itself slows down as sockets pool.
  Object.defineProperty(directAgent, inspect.custom, { value: () => '[https.Agent]' });
  const direct = new Docker({ protocol: 'https', host: `[${overlay}]`, port: 2376, ...tls, agent: directAgent } as Docker.DockerOptions);

  await importBusybox(direct);
  for (let i = 0; i < CONTAINERS; i += 1) {
    await local.tool('docker_create_container', { host_id: hostId, image: 'pn-busybox:bench', name: `bench-${i}`, cmd: ['/bin/sleep', '100000'] });
  }
  const listed = await direct.listContainers({ all: true });
  if (listed.length !== CONTAINERS) throw new Error(`expected ${CONTAINERS} containers, the daemon lists ${listed.length}`);

  // The gateway client: node:http with a keep-alive agent, the whole body read and parsed as the direct client does.
  const gatewayAgent = new HttpAgent({ keepAlive: true, maxSockets: CONCURRENCY });
  const authorization = `Bearer ${gateway.adminToken}`;
  const body = JSON.stringify({ host_id: hostId });
  const postList = () => postJson(gatewayAgent, `${gateway.httpUrl}/api/v1/actions/docker_list_containers`, body, authorization);

  const probes: Record<string, Probe> = {
    direct: async () => {
      if ((await direct.listContainers({ all: true })).length !== CONTAINERS) throw new Error('direct: wrong list');
    },
    gateway: async () => {
      const { status, json } = await postList();
      if (status !== 200 || (json as { containers: unknown[] }).containers.length !== CONTAINERS) throw new Error(`gateway: ${status} ${JSON.stringify(json).slice(0, 300)}`);
    },
  };
  for (let i = 0; i < WARM_UP; i += 1) for (const probe of Object.values(probes)) await probe();

  const latencies = await interleavedLatencies(probes, SAMPLES, BLOCK);
  const g50 = percentile(latencies.gateway!, 0.5);
  const g99 = percentile(latencies.gateway!, 0.99);
  const d50 = percentile(latencies.direct!, 0.5);
  const d99 = percentile(latencies.direct!, 0.99);
  console.log(`direct  listContainers(all)          p50 ${d50.toFixed(2)} ms  p99 ${d99.toFixed(2)} ms  (${SAMPLES} sequential, blocks of ${BLOCK})`);
  console.log(`gateway docker_list_containers       p50 ${g50.toFixed(2)} ms  p99 ${g99.toFixed(2)} ms  (${SAMPLES} sequential, blocks of ${BLOCK})`);

  await printBreakdown({ local, hostId, overlay, authorization, direct, gatewayCall: probes.gateway!, healthz: () => getStatus(gatewayAgent, `${gateway.httpUrl}/healthz`) }, BREAKDOWN_N);

  const gatewayRps = await throughput(probes.gateway!, CONCURRENCY, THROUGHPUT_MS);
  const directRps = await throughput(probes.direct!, CONCURRENCY, THROUGHPUT_MS);
  console.log(`\ngateway throughput, concurrency ${CONCURRENCY}     ${gatewayRps.toFixed(0)} req/s`);
  console.log(`direct  throughput, concurrency ${CONCURRENCY}     ${directRps.toFixed(0)} req/s (for context)`);

  console.log(
    `\nRESULT proxy gateway_p50_ms=${g50.toFixed(2)} gateway_p99_ms=${g99.toFixed(2)} direct_p50_ms=${d50.toFixed(2)} direct_p99_ms=${d99.toFixed(2)} gateway_rps=${gatewayRps.toFixed(0)} ratio=${(g50 / d50).toFixed(2)}`,
  );
  directAgent.destroy();
  gatewayAgent.destroy();
} catch (error) {
  failed = true;
  console.error('proxy benchmark failed:', error);
} finally {
  await local.destroy();
}
process.exit(failed ? 1 : 0);

/** POSTs JSON over a keep-alive agent; resolves with the status and the parsed body. */
function postJson(agent: HttpAgent, url: string, body: string, authorization: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (error) {
          reject(error as Error);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** GETs a URL over a keep-alive agent and drains the body. */
function getStatus(agent: HttpAgent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** A one-binary image from the machine's busybox-static (as tests/e2e/docker-runtime.e2e.spec.ts does). */
async function importBusybox(docker: Docker): Promise<void> {
  const { stdout } = await run('sh', ['-c', 'd=$(mktemp -d) && mkdir -p $d/bin && cp /bin/busybox $d/bin/ && ln -s busybox $d/bin/sleep && ln -s busybox $d/bin/sh && tar -C $d -c . | base64 -w0 && rm -rf $d'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const stream = await docker.importImage(Readable.from(Buffer.from(stdout, 'base64')), { repo: 'pn-busybox', tag: 'bench' });
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve(undefined))));
}
