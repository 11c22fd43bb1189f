import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@powernode/testing';
import { AgentProcess, buildAgent } from './testing/agent-process.js';
import { FakePlatform } from './testing/fake-platform.js';

const MODULE = { module_id: 'mod_1', name: 'docker-engine', version: '27.0.0', runtime: 'systemd', config: {} };

describe('powernode-agent (real process against a fake platform)', () => {
  let build: Awaited<ReturnType<typeof buildAgent>>;
  let platform: FakePlatform;
  const agents: AgentProcess[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    [build, platform] = await Promise.all([buildAgent(), FakePlatform.create()]);
    await platform.start();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.kill()));
    await platform?.stop();
    await build?.remove();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function stateDir(): Promise<string> {
    const parent = await mkdtemp(join(tmpdir(), 'pn-agent-'));
    dirs.push(parent); // the parent, not just `state`: nothing of the test stays in /tmp
    return join(parent, 'state');
  }

  function startAgent(target: FakePlatform, dir: string, token?: string): AgentProcess {
    const args = ['--platform-url', target.url, '--state-dir', dir, ...(token ? ['--bootstrap-token', token] : [])];
    const agent = new AgentProcess(build.mainJs, args);
    agents.push(agent);
    return agent;
  }

  async function instanceIdIn(dir: string): Promise<string> {
    return (JSON.parse(await readFile(join(dir, 'identity/instance.json'), 'utf8')) as { instance_id: string }).instance_id;
  }

  async function desiredIn(dir: string): Promise<{ version: string; modules: unknown[] }> {
    return JSON.parse(await readFile(join(dir, 'desired.json'), 'utf8'));
  }

  it('refuses a platform whose root CA does not match the token pin, before sending the token', async () => {
    const enrolmentsBefore = platform.enrolments.length;
    const agent = startAgent(platform, await stateDir(), platform.issueToken('ab'.repeat(32)));
    expect(await agent.exited).toBe(1);
    expect(agent.stderr).toContain('CA pin mismatch');
    expect(platform.enrolments.length).toBe(enrolmentsBefore);
  });

  it('exits non-zero on a rejected bootstrap token instead of retrying', async () => {
    const forged = `pnb1.${platform.ca.root.fingerprintSha256}.${'x'.repeat(43)}`;
    const agent = startAgent(platform, await stateDir(), forged);
    expect(await agent.exited).toBe(1);
    expect(agent.stderr).toContain('rejected the bootstrap token');
  });

  it('exits 2 on bad arguments', async () => {
    const agent = new AgentProcess(build.mainJs, ['--platform-url', 'http://127.0.0.1:1']);
    agents.push(agent);
    expect(await agent.exited).toBe(2);
    expect(agent.stderr).toContain('https');
  });

  describe('one machine', () => {
    let dir: string;
    let agent: AgentProcess;
    let token: string;
    let instanceId: string;

    it('enrols: key and cert 0600 in a 0700 directory; desired.json holds the desired state; the token is never logged', async () => {
      dir = await stateDir();
      token = platform.issueToken();
      agent = startAgent(platform, dir, token);
      await eventually(async () => expect((await desiredIn(dir)).version).toBe('1'));
      instanceId = await instanceIdIn(dir);
      expect(platform.enrolments.map((e) => e.instanceId)).toContain(instanceId);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, 'identity'))).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, 'identity/key.pem'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'identity/cert.pem'))).mode & 0o777).toBe(0o600);
      expect(await readFile(join(dir, 'identity/ca.pem'), 'utf8')).toBe(platform.ca.chain.join(''));
      const facts = platform.enrolments.find((e) => e.instanceId === instanceId)?.facts;
      expect(facts?.underlay_endpoints).not.toContain('127.0.0.1');
      expect(agent.stdout + agent.stderr).not.toContain(token.split('.')[2]);
      expect(agent.stdout).not.toContain('PRIVATE KEY');
    });

    it('delivers a new desired state through the long-poll, well before the 25 s wait', async () => {
      await eventually(() => expect(platform.heartbeats.some((h) => h.instanceId === instanceId && h.desiredVersion === '1')).toBe(true));
      platform.setModules(instanceId, [MODULE]);
      await eventually(async () => expect(await desiredIn(dir)).toEqual({ instance_id: instanceId, version: '2', modules: [MODULE] }), { timeoutMs: 3_000 });
      await eventually(() =>
        expect(platform.heartbeats.some((h) => h.instanceId === instanceId && h.facts.runtimes['desired-state']?.version === '2')).toBe(true),
      );
    });

    it('stops on SIGTERM with exit 0, and a restart reuses the identity (no second enrolment)', async () => {
      agent.signal('SIGTERM');
      expect(await agent.exited).toBe(0);
      const enrolments = platform.enrolments.length;
      const heartbeats = platform.heartbeats.length;
      agent = startAgent(platform, dir, token); // the used token is still configured: it must not be needed
      await eventually(() => expect(platform.heartbeats.slice(heartbeats).some((h) => h.instanceId === instanceId)).toBe(true));
      expect(platform.enrolments.length).toBe(enrolments);
      expect(await instanceIdIn(dir)).toBe(instanceId);
      expect(agent.logs.map((line) => line.msg)).toContain('reusing the stored identity');
    });

    it('backs off while the platform is down and recovers when it is back', async () => {
      await platform.stop();
      await eventually(() => expect(agent.logs.filter((line) => line.msg === 'heartbeat failed').length).toBeGreaterThanOrEqual(2));
      const failures = agent.logs.filter((line) => line.msg === 'heartbeat failed');
      expect(failures.map((line) => line.failures)).toEqual(failures.map((_, i) => i + 1));
      expect(failures.every((line) => (line.retry_in_ms as number) < 500 * 2 ** (line.failures as number))).toBe(true);
      await platform.start();
      platform.setModules(instanceId, []);
      await eventually(async () => expect((await desiredIn(dir)).version).toBe('3'), { timeoutMs: 20_000 });
      expect(agent.logs.map((line) => line.msg)).toContain('platform reachable again');
    }, 30_000);

    it('a reinstalled machine (empty state dir) re-enrols with a new token', async () => {
      agent.signal('SIGTERM');
      expect(await agent.exited).toBe(0);
      await rm(dir, { recursive: true, force: true });
      agent = startAgent(platform, dir, platform.issueToken());
      await eventually(async () => expect(await instanceIdIn(dir)).not.toBe(instanceId));
      await eventually(async () => expect((await desiredIn(dir)).version).toBe('1'));
      agent.signal('SIGINT');
      expect(await agent.exited).toBe(0);
    });
  });

  it('renews its identity certificate at 2/3 of its lifetime and keeps heartbeating with the new one', async () => {
    const shortLived = await FakePlatform.create({ certLifetimeMs: 6_000 });
    await shortLived.start();
    try {
      const dir = await stateDir();
      const agent = startAgent(shortLived, dir, shortLived.issueToken());
      await eventually(async () => expect((await desiredIn(dir)).version).toBe('1'));
      const firstCert = await readFile(join(dir, 'identity/cert.pem'), 'utf8');
      const firstSerial = shortLived.heartbeats[0]?.certSerial;
      await eventually(() => expect(shortLived.renewals).toBeGreaterThanOrEqual(1), { timeoutMs: 10_000 });
      await eventually(() => expect(shortLived.heartbeats.some((h) => h.certSerial !== firstSerial)).toBe(true));
      expect(await readFile(join(dir, 'identity/cert.pem'), 'utf8')).not.toBe(firstCert);
      agent.signal('SIGTERM');
      expect(await agent.exited).toBe(0);
    } finally {
      await shortLived.stop();
    }
  }, 30_000);
});
