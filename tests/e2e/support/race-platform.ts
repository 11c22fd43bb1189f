// One test platform with two replicas of every service that has replicas in production (catalog, sdwan, handshake,
// docker-proxy; the CA once): the same schema and stream per service, as `npm start -- --replicas 2` runs them.
// Requests over NATS reach either replica through the queue group; agents pick a handshake replica by its URL.
import { caActions, PlatformError, type EventEnvelope } from '@powernode/contracts';
import { parseStoredCommit, readCommits, type EventStoreConfig } from '@powernode/eventstore';
import { buildCsr, exportPrivateKeyPem, generateKeyPair } from '@powernode/pki';
import { connectTestNats, dropTestPlatform, testPlatformEnv, type TestPlatformEnv } from '@powernode/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import { startTestCa, type TestCa } from '../../../apps/ca/src/testing/test-ca.js';
import { startTestCatalog, type TestCatalog } from '../../../apps/catalog/src/testing/test-catalog.js';
import { startTestDockerProxy, type TestDockerProxy } from '../../../apps/docker-proxy/src/testing/test-docker-proxy.js';
import { agentKeyAndCsr, agentRequest, testFacts, type AgentTls } from '../../../apps/handshake/src/testing/agent-client.js';
import { startTestHandshake, type TestHandshake } from '../../../apps/handshake/src/testing/test-handshake.js';
import { startTestSdwan, type TestSdwan } from '../../../apps/sdwan/src/testing/test-sdwan.js';

export type Pair<T> = [T, T];

export interface RacePlatform {
  platform: TestPlatformEnv;
  nc: NatsConnection;
  store: EventStoreConfig;
  ca: TestCa;
  catalog: Pair<TestCatalog>;
  sdwan: Pair<TestSdwan>;
  handshake: Pair<TestHandshake>;
  proxy: Pair<TestDockerProxy>;
  /** The platform root, as an agent pins it. */
  root: string;
  /** Every event stored so far, in stream order. */
  events(): Promise<EventEnvelope[]>;
  destroy(): Promise<void>;
}

export async function startRacePlatform(): Promise<RacePlatform> {
  const platform = testPlatformEnv();
  const ca = await startTestCa(platform);
  // Sequential starts: the first replica of each takes the service's leases, the second is the standby.
  const catalog: Pair<TestCatalog> = [await startTestCatalog(platform), await startTestCatalog(platform)];
  const sdwan: Pair<TestSdwan> = [await startTestSdwan(platform), await startTestSdwan(platform)];
  // No liveness transitions in the background: the stream moves only when a test makes it.
  const quiet = { HEARTBEAT_INTERVAL_S: '3600' };
  const handshake: Pair<TestHandshake> = [await startTestHandshake(platform, quiet), await startTestHandshake(platform, quiet)];
  // Health probes are another writer of the hosts (a slow probe on a busy machine records host.unreachable): held off
  // so each race's counts are the race's own.
  const noProbes = { DOCKER_PROBE_INTERVAL_S: '3600' };
  const proxy: Pair<TestDockerProxy> = [await startTestDockerProxy(platform, noProbes), await startTestDockerProxy(platform, noProbes)];
  const nc = await connectTestNats();
  const store = { stream: platform.env.EVENT_STREAM!, subjectPrefix: platform.env.EVENT_SUBJECT_PREFIX! };
  const { chain_pem } = await ca.call(caActions.caGetChain, {});
  return {
    platform,
    nc,
    store,
    ca,
    catalog,
    sdwan,
    handshake,
    proxy,
    root: chain_pem[chain_pem.length - 1],
    events: async () => {
      const events: EventEnvelope[] = [];
      for await (const commit of readCommits(nc, store)) events.push(...parseStoredCommit(commit.data, commit.subject, commit.seq).events);
      return events;
    },
    destroy: async () => {
      for (const pair of [proxy, handshake, sdwan, catalog] as Pair<{ destroy(o: { keepData: boolean }): Promise<void> }>[]) {
        for (const replica of pair) await replica.destroy({ keepData: true });
      }
      await ca.destroy({ keepData: true });
      await nc.close();
      await dropTestPlatform(platform, ['ca', 'catalog', 'handshake', 'sdwan', 'docker_proxy']);
    },
  };
}

/** Counts the calls of `object[method]` (a service's use case), so a test can tell which replica served what. */
export function countCalls<T extends object>(object: T, method: keyof T & string): () => number {
  let calls = 0;
  const original = (object[method] as (...args: unknown[]) => unknown).bind(object);
  (object as Record<string, unknown>)[method] = (...args: unknown[]) => {
    calls += 1;
    return original(...args);
  };
  return () => calls;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** Settles a call into its answer or its stable error code; anything that is not a PlatformError is `untyped`. */
export async function outcomeOf<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (error instanceof PlatformError) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: 'untyped', message: String(error) };
  }
}

/** How often each value occurs. */
export function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

export interface RaceAgent {
  instanceId: string;
  templateId: string;
  tls: Required<AgentTls>;
}

/** Enrols an agent for an instance through the first handshake replica. */
export async function enrolAgent(sut: RacePlatform, instanceId: string, templateId: string): Promise<RaceAgent> {
  const { token } = await sut.handshake[0].issueToken(instanceId);
  const { keyPem, csrPem } = await agentKeyAndCsr();
  const res = await agentRequest(sut.handshake[0].url, '/agent/enroll', { ca: [sut.root] }, { bootstrap_token: token, csr_pem: csrPem, facts: testFacts });
  if (res.status !== 200) throw new Error(`enrol failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { instanceId, templateId, tls: { ca: [sut.root], cert: res.body.certificate_pem + res.body.chain_pem[0], key: keyPem } };
}

/** A daemon key pair and its CSR, as the agent makes them for wants_cert. */
export async function daemonKeyAndCsr(): Promise<{ keyPem: string; csrPem: string }> {
  const keys = await generateKeyPair('Ed25519');
  return { keyPem: await exportPrivateKeyPem(keys.privateKey), csrPem: await buildCsr({ keys, commonName: 'docker-daemon' }) };
}
