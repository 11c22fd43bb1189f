import type { dockerActions } from '@powernode/contracts';
import type { z } from 'zod';
import type { Step, StepContext } from './tutorial-context.js';
import { waitFor } from './wait.js';

/** A host as docker_list_hosts answers (the tutorial's shape, from the action table). */
type Host = z.output<typeof dockerActions.dockerHost>;

interface EventSummary {
  kind: string;
  aggregate_id: string;
}

const hostOf = async ({ platform, state }: StepContext): Promise<Host | undefined> =>
  ((await platform.raw('docker_list_hosts')).hosts as Host[]).find((h) => h.node_instance_id === state.instanceId);

/** Prerequisites: the registry's image, a template, a fresh NodeInstance and an SDWAN network. */
export const prerequisites: Step = {
  title: 'Prerequisites — a fresh NodeInstance and an SDWAN network',
  async run(ctx) {
    const { platform, state, printer } = ctx;
    const status = await platform.call('platform_provisioning_status', {}, { show: (a) => ({ ca_adapter: a.ca_adapter, registry: a.registry }) });
    const registry = status.registry as { ready: boolean; images: string[]; error?: string } | undefined;
    if (!registry) throw new Error('the platform has no image registry (npm start as root runs one on 198.18.0.1:5000): nothing to pull');
    if (!registry.ready) throw new Error(`the platform image registry is not ready yet${registry.error ? ` (${registry.error})` : ''}: wait a moment and run again`);
    state.image = registry.images.find((image) => image.endsWith(':latest'));
    if (!state.image) throw new Error(`the platform image registry holds no :latest image (images: ${registry.images.join(', ') || 'none'})`);
    printer.note(`image: ${state.image}`);
    const name = `tutorial-${state.tag}`;
    state.templateId = (await platform.call('system_create_template', { name, description: 'Tutorial 03 (npm run tutorial)' })).template.id;
    state.instanceId = (await platform.call('system_provision_instance', { template_id: state.templateId, name })).instance.id;
    const instanceId = state.instanceId;
    await waitFor(`${instanceId} online`, async () => (await platform.raw('system_get_instance', { id: instanceId })).instance.status === 'online', 120_000);
    printer.note(`${instanceId} is online`);
    state.networkId = (await platform.call('system_sdwan_create_network', { name })).network.id;
  },
};

export const step1: Step = {
  title: 'Step 1 — Confirm SDWAN attachment',
  async run({ platform, state, printer }) {
    await platform.call('system_sdwan_attach_peer', { network_id: state.networkId, node_instance_id: state.instanceId });
    const { peers } = await platform.call('system_sdwan_list_peers', { network_id: state.networkId });
    const peer = (peers as { node_instance_id: string; overlay_address?: string }[]).find((p) => p.node_instance_id === state.instanceId);
    if (!peer?.overlay_address) throw new Error(`${state.instanceId} has no overlay address on ${state.networkId}`);
    state.overlay = peer.overlay_address;
    printer.note(`${state.instanceId} holds ${state.overlay}/128`);
  },
};

export const step2: Step = {
  title: 'Step 2 — Assign the docker-engine module',
  async run({ platform, state }) {
    const { instance } = await platform.call('system_get_instance', { id: state.instanceId });
    if (instance.node_template_id !== state.templateId) throw new Error(`instance template ${instance.node_template_id}, expected ${state.templateId}`);
    await platform.call('system_assign_module_to_template', { template_id: instance.node_template_id, module_name: 'docker-engine' });
    state.moduleAssigned = true;
  },
};

export const step3: Step = {
  title: 'Step 3 — Watch the handshake',
  async run(ctx) {
    const { platform, state, printer, options } = ctx;
    printer.note('waiting for the agent: install, wants_cert, cert_signed, ready …');
    const host = await waitFor('the docker host to be connected', async () => {
      const found = await hostOf(ctx);
      if (found?.status === 'error') throw new Error(`host ${found.id} is in error`);
      return found?.status === 'connected' ? found : undefined;
    }, options.onboardingTimeoutMs ?? 300_000, 1_000);
    state.hostId = host.id;
    state.apiEndpoint = host.api_endpoint;
    const kindsOf = (answer: { events: EventSummary[] }): string[] => answer.events.filter((e) => e.aggregate_id === host.id).map((e) => e.kind).reverse();
    // recent_events reads a projection: it may be a moment behind the host list.
    await waitFor('system.docker.provisioned in recent_events', async () => kindsOf(await platform.raw('recent_events', { kind_prefix: 'system.docker', limit: 50 })).includes('system.docker.provisioned'), 30_000);
    await platform.call('recent_events', { kind_prefix: 'system.docker', limit: 20 }, { show: (a) => kindsOf(a) });
    const { hosts } = await platform.call('docker_list_hosts', {}, { show: (a) => ({ hosts: (a.hosts as Host[]).filter((h) => h.id === host.id) }) });
    if (!(hosts as Host[]).some((h) => h.id === host.id && h.api_endpoint === `tcp://[${state.overlay}]:2376`)) throw new Error(`host ${host.id} is not listening on [${state.overlay}]:2376`);
  },
};

export const step4: Step = {
  title: 'Step 4 — Pull and run a container',
  async run({ platform, state }) {
    await platform.call('docker_pull_image', { host_id: state.hostId, image: state.image });
    state.imagePulled = true;
    const { container } = await platform.call('docker_create_container', {
      host_id: state.hostId,
      image: state.image,
      name: state.containerName,
      ports: [{ host: 8080, container: 80 }],
      detach: true,
    });
    state.containerCreated = true;
    state.containerId = container.id;
  },
};

/** Steps 1–4 after the prerequisites, in order. */
export const STEPS: Step[] = [prerequisites, step1, step2, step3, step4];
