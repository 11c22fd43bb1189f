import type { agentProtocol } from '@powernode/contracts';
import { certificateInfo } from '@powernode/pki';
import { eventually } from '@powernode/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { enrol } from './enrolment.js';
import { HeartbeatLoop } from './heartbeat-loop.js';
import type { AgentIdentity } from './identity.js';
import { IdentityStore } from './identity-store.js';
import { PlatformSession } from './platform-session.js';
import type { Reconciler } from './reconcile/reconciler.js';
import { renewIdentity } from './renewal.js';
import { FakePlatform } from './testing/fake-platform.js';

const logger = pino({ level: 'silent' });

describe(PlatformSession.name, () => {
  let platform: FakePlatform;
  let identity: AgentIdentity;
  let dir: string;

  beforeAll(async () => {
    platform = await FakePlatform.create();
    await platform.start();
    identity = await enrol({ platformUrl: new URL(platform.url), bootstrapToken: platform.issueToken(), logger, signal: new AbortController().signal });
    dir = await mkdtemp(join(tmpdir(), 'platform-session-'));
  });
  afterAll(async () => {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('speaks the runtime handshake with the current identity, also after a renewal swapped it', async () => {
    const sut = new PlatformSession(new URL(platform.url), identity);
    const signal = new AbortController().signal;
    try {
      const answer = await sut.runtimeHandshake({ runtime: 'docker', phase: 'installing', progress: 'dockerd 20.10 present' }, signal);
      expect(answer).toMatchObject({ next: 'wants_cert' });
      const renewed = await renewIdentity(sut.client, sut.identity(), signal);
      sut.replace(renewed);
      await sut.runtimeHandshake({ runtime: 'docker', phase: 'wants_cert', csr_pem: 'x' }, signal);
      const serial = (pem: string) => certificateInfo(pem).serial.toUpperCase();
      expect(platform.runtimeCalls.map((c) => c.certSerial.toUpperCase())).toEqual([serial(identity.certPem), serial(renewed.certPem)]);
      expect(sut.identity()).toBe(renewed);
    } finally {
      sut.close();
    }
  });
});

describe(`${HeartbeatLoop.name} on decommission`, () => {
  it('tells the reconcilers once when the platform answers 410 InstanceDecommissioned', async () => {
    const platform = await FakePlatform.create();
    await platform.start();
    const dir = await mkdtemp(join(tmpdir(), 'heartbeat-decommission-'));
    const stop = new AbortController();
    const calls: string[] = [];
    const reconciler: Reconciler = {
      name: 'probe',
      reconcile: async (desired: agentProtocol.DesiredState) => {
        calls.push(`reconcile ${desired.version}`);
        return { phase: 'ready' };
      },
      decommissioned: async () => {
        calls.push('decommissioned');
      },
    };
    try {
      const identity = await enrol({ platformUrl: new URL(platform.url), bootstrapToken: platform.issueToken(), logger, signal: stop.signal });
      const session = new PlatformSession(new URL(platform.url), identity);
      const loop = new HeartbeatLoop({ session, store: new IdentityStore(dir), platformUrl: new URL(platform.url), reconcilers: [reconciler], logger }).run(stop.signal);
      await eventually(() => expect(calls).toEqual(['reconcile 1']));
      platform.decommissioned.add(identity.instanceId);
      platform.setModules(identity.instanceId, []); // wakes the long-poll; the next heartbeat gets 410
      // A heartbeat already held may still deliver version 2 first; the next one is refused.
      await eventually(() => expect(calls.at(-1)).toBe('decommissioned'), { timeoutMs: 20_000 });
      // The loop keeps retrying with backoff, but reconcilers hear of it only once per streak.
      const refused = platform.refusedHeartbeats;
      await eventually(() => expect(platform.refusedHeartbeats).toBeGreaterThanOrEqual(refused + 2), { timeoutMs: 20_000 });
      expect(calls.filter((c) => c === 'decommissioned')).toHaveLength(1);
      expect(calls.at(-1)).toBe('decommissioned');
      stop.abort();
      await loop;
      session.close();
    } finally {
      stop.abort();
      await platform.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
