import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_ONBOARDING_KINDS } from '@powernode/contracts';
import { listNamespaces } from '@powernode/netns';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the in-process platform lives in bench/support (no project), as for tests/e2e
import { startLocalPlatform, type LocalPlatform } from '../../../bench/support/local-platform.js';
import { runTutorial, type TutorialResult } from './tutorial.js';
import { CLEANUP_TOOLS } from './testing/expected-walk.js';

describe(runTutorial.name, () => {
  let local: LocalPlatform;
  let operatorDir: string;
  let result: TutorialResult;
  const output: string[] = [];
  const answerOf = (tool: string) => result.calls.find((c) => c.tool === tool)?.answer as Record<string, any>;

  beforeAll(async () => {
    local = await startLocalPlatform({ gateway: true, registry: true });
    operatorDir = await mkdtemp(join(tmpdir(), 'powernode-operator-'));
    result = await runTutorial(
      { url: local.gateway!.httpUrl, token: local.gateway!.adminToken, operatorDir, laptopPrefix: local.prefix },
      { out: (line) => output.push(line) },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${output.join('\n')}`);
    });
  }, 420_000);

  afterAll(async () => {
    await local?.destroy();
    if (operatorDir) await rm(operatorDir, { recursive: true, force: true });
  }, 120_000);

  it('walks Steps 1–4 with the answers the tutorial shows', () => {
    const { state } = result;
    expect(answerOf('platform_provisioning_status').registry).toMatchObject({ ready: true, images: expect.arrayContaining([state.image]) });
    expect(state.image).toMatch(/\/powernode\/busybox-httpd:latest$/);
    expect(answerOf('system_sdwan_attach_peer').peer).toMatchObject({ node_instance_id: state.instanceId, overlay_address: state.overlay });
    expect(answerOf('system_sdwan_list_peers').peers).toContainEqual(expect.objectContaining({ node_instance_id: state.instanceId, overlay_address: state.overlay }));
    expect(answerOf('system_get_instance').instance).toMatchObject({ id: state.instanceId, node_template_id: state.templateId, status: 'online' });
    expect(answerOf('docker_list_hosts').hosts).toContainEqual(
      expect.objectContaining({ id: state.hostId, node_instance_id: state.instanceId, api_endpoint: `tcp://[${state.overlay}]:2376`, status: 'connected' }),
    );
    expect(answerOf('docker_pull_image').image).toMatchObject({ repo_tags: expect.arrayContaining([state.image]) });
    expect(answerOf('docker_create_container').container).toMatchObject({ id: state.containerId, name: 'hello-web' });
  });

  it('verifies via MCP, via curl from the access-grant laptop and via the Docker CLI', async () => {
    const { state } = result;
    expect(answerOf('docker_list_containers').containers).toContainEqual(expect.objectContaining({ name: 'hello-web', image: state.image, status: expect.stringMatching(/^Up /) }));
    expect(state.page).toMatchObject({ status: 200, body: expect.stringContaining('powernode/busybox-httpd') });
    expect(state.dockerPs).toMatch(/CONTAINER ID[\s\S]*hello-web/);
    expect((await stat(join(operatorDir, 'operator-key.pem'))).mode & 0o777).toBe(0o600);
    expect(answerOf('docker_export_operator_cert')).toMatchObject({ ca_pem: expect.stringContaining('BEGIN CERTIFICATE'), key_pem: expect.stringContaining('PRIVATE KEY') });
  });

  it('cleans up: container, image, runtime, assignment, instance, grant, laptop', async () => {
    const tools = result.calls.filter((c) => c.step === 'Cleanup').map((c) => c.tool);
    expect(tools).toEqual([...CLEANUP_TOOLS]);
    expect((await local.tool('docker_list_hosts', {})).hosts).toEqual([]);
    expect(result.state.laptopNamespace).toMatch(new RegExp(`^${local.prefix}-lap[0-9a-f]{4}$`));
    expect(await listNamespaces()).not.toContain(result.state.laptopNamespace);
  });

  it("records the host's onboarding, then its operations and the decommission, in order", async () => {
    const { events } = await local.tool('recent_events', { kind_prefix: 'system.docker', limit: 500 });
    const kinds = (events as { kind: string; aggregate_id: string }[])
      .filter((e) => e.aggregate_id === result.state.hostId)
      .map((e) => e.kind)
      .reverse();
    const onboarding = kinds.filter((k) => (DOCKER_ONBOARDING_KINDS as readonly string[]).includes(k));
    expect(onboarding).toEqual([...DOCKER_ONBOARDING_KINDS]);
    const afterProvisioned = kinds.slice(kinds.lastIndexOf('system.docker.provisioned') + 1).filter((k) => /^system\.docker\.(image|container|runtime)\./.test(k) && k !== 'system.docker.image.pull_progress');
    expect(afterProvisioned).toEqual([
      'system.docker.image.pulled',
      'system.docker.container.created',
      'system.docker.container.started',
      'system.docker.container.deleted',
      'system.docker.image.deleted',
      'system.docker.runtime.decommissioned',
    ]);
  });

  it('prints each step with its calls, answers and times', () => {
    const text = output.join('\n');
    for (const title of ['Step 1', 'Step 2', 'Step 3', 'Step 4', 'Verification — via MCP', 'Verification — via container HTTP', 'Verification — via Docker CLI', 'Cleanup']) expect(text).toContain(`── ${title}`);
    expect(text).toMatch(/→ docker_create_container\(.*hello-web/);
    expect(text).toMatch(/← .*\(\d+\.\d\d s\)/);
    expect(text).toMatch(/Tutorial 03 done in \d+\.\d\d s/);
  });
});
