import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepWireguard } from '@powernode/wireguard';
import { eventually } from '@powernode/testing';
import { AgentProcess, buildAgent } from './testing/agent-process.js';
import { DockerNetnsLab, inNamespace, namespacePids, randomOverlay, requireRootAndDockerd, tcpListeners, unmountAllUnder } from './testing/docker-netns.js';
import { FakePlatform } from './testing/fake-platform.js';
import { FakeRuntimePlatform } from './testing/fake-runtime-platform.js';

// The agent as a process inside an instance-like namespace (as the local provider starts it): its SDWAN
// reconciler puts the overlay /128 on a real WireGuard interface, then its Docker reconciler walks the handshake
// with the fake platform over mTLS and supervises a real dockerd bound to that address. SIGTERM stops dockerd.
const WAIT = { timeoutMs: 90_000, intervalMs: 250 };

async function commsIn(ns: string): Promise<string[]> {
  const pids = await namespacePids(ns);
  return (await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')))).map((comm) => comm.trim()).filter(Boolean);
}

describe('powernode-agent with a docker module (real process, WireGuard and dockerd in a namespace)', () => {
  const lab = new DockerNetnsLab();
  let build: Awaited<ReturnType<typeof buildAgent>> | undefined;
  let platform: FakePlatform | undefined;
  let agent: AgentProcess | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    requireRootAndDockerd();
    dir = await mkdtemp(join(tmpdir(), 'pn-agent-docker-'));
    [build, platform] = await Promise.all([buildAgent(), FakePlatform.create()]);
  }, 120_000);

  afterAll(async () => {
    await agent?.kill();
    await platform?.stop();
    await lab.destroy();
    await sweepWireguard(new RegExp(`^${lab.prefix}`));
    await build?.remove();
    if (dir !== undefined) {
      await unmountAllUnder(dir);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('provisions dockerd on the overlay once the docker module arrives, reports ready, and stops it on SIGTERM', async () => {
    const ns = await lab.create('ag');
    const { host } = await lab.linkToHost('ag');
    await platform!.start(0, host);
    const overlay = randomOverlay();
    const runtime = await FakeRuntimePlatform.onCa(platform!.ca, overlay);
    platform!.runtime = runtime;

    const root = join(dir!, 'docker');
    const args = ['--platform-url', platform!.url, '--state-dir', join(dir!, 'agent'), '--bootstrap-token', platform!.issueToken(), '--docker-root', root, '--docker-install', 'none'];
    agent = new AgentProcess(build!.mainJs, args, {}, inNamespace(ns));
    await eventually(() => expect(platform!.enrolments).toHaveLength(1), WAIT);
    const instanceId = (JSON.parse(await readFile(join(dir!, 'agent', 'identity', 'instance.json'), 'utf8')) as { instance_id: string }).instance_id;

    platform!.setDesired(instanceId, {
      modules: [{ module_id: 'mod-docker', name: 'docker-engine', version: '1.0.0', runtime: 'docker', config: {} }],
      sdwan: { interfaces: [{ name: `${lab.prefix}w`, network_id: 'net-1', address: `${overlay}/128`, listen_port: 51_000 + Math.floor(Math.random() * 1000), peers: [] }] },
    });

    await eventually(() => expect(runtime.phases()).toEqual(['installing', 'wants_cert', 'wants_config', 'ready']), WAIT);
    await eventually(() => expect(platform!.heartbeats.at(-1)?.facts.runtimes['docker']).toMatchObject({ phase: 'ready', host_id: runtime.hostId, overlay }), WAIT);
    expect(await tcpListeners(ns)).toEqual([{ local: `[${overlay}]:2376`, process: 'dockerd' }]);
    // Every handshake call came with this agent's own identity certificate.
    expect(new Set(platform!.runtimeCalls.map((c) => c.instanceId))).toEqual(new Set([instanceId]));

    agent.signal('SIGTERM');
    expect(await agent.exited).toBe(0);
    await eventually(async () => expect(await commsIn(ns)).not.toContain('dockerd'), WAIT);
    expect(await tcpListeners(ns)).toEqual([]);
    expect(runtime.phases()).not.toContain('stopped'); // an agent restart is not an unassignment
  });
});
