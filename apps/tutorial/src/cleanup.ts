import { messageOf } from './errors.js';
import type { StepContext } from './tutorial-context.js';
import { waitFor } from './wait.js';

interface CleanupAction {
  what: string;
  applies(ctx: StepContext): boolean;
  run(ctx: StepContext): Promise<void>;
}

const ACTIONS: CleanupAction[] = [
  {
    what: 'delete the container',
    applies: ({ state }) => Boolean(state.containerCreated),
    run: async ({ platform, state }) => {
      await platform.call('docker_delete_container', { host_id: state.hostId, container_id: state.containerId ?? state.containerName, force: true });
    },
  },
  {
    what: 'delete the image',
    applies: ({ state }) => Boolean(state.imagePulled),
    run: async ({ platform, state }) => {
      await platform.call('docker_delete_image', { host_id: state.hostId, image_id: state.image });
    },
  },
  {
    what: 'decommission the docker runtime',
    applies: ({ state }) => state.hostId !== undefined,
    run: async ({ platform, state, printer }) => {
      await platform.call('system_decommission_docker_runtime', { host_id: state.hostId });
      state.runtimeDecommissioned = true;
      await waitFor(`${state.hostId} to leave docker_list_hosts`, async () => !(await platform.raw('docker_list_hosts')).hosts.some((h: { id: string }) => h.id === state.hostId), 60_000);
      printer.note(`${state.hostId} left docker_list_hosts`);
    },
  },
  {
    what: 'unassign docker-engine from the template',
    applies: ({ state }) => Boolean(state.moduleAssigned),
    run: async ({ platform, state }) => {
      await platform.call('system_unassign_module_from_template', { template_id: state.templateId, module_name: 'docker-engine' });
    },
  },
  {
    what: 'decommission the instance',
    applies: ({ state }) => state.instanceId !== undefined,
    run: async ({ platform, state }) => {
      await platform.call('system_decommission_instance', { id: state.instanceId });
    },
  },
  {
    what: 'revoke the access grant',
    applies: ({ state }) => state.grantId !== undefined,
    run: async ({ platform, state }) => {
      await platform.call('system_sdwan_revoke_access_grant', { grant_id: state.grantId, reason: 'tutorial cleanup' });
    },
  },
  {
    what: "delete the laptop's namespace and WireGuard interface",
    applies: ({ state }) => state.laptop !== undefined,
    run: async ({ state, printer }) => {
      await state.laptop!.remove();
      if (await state.laptop!.exists()) throw new Error(`namespace ${state.laptop!.namespace} is still there`);
      printer.note(`removed ${state.laptop!.namespace}`);
    },
  },
];

/** Removes what the walk created, each part on its own: one failing does not keep the others from running. Returns the failures. */
export async function cleanup(ctx: StepContext): Promise<string[]> {
  const failures: string[] = [];
  for (const action of ACTIONS) {
    if (!action.applies(ctx)) continue;
    try {
      await action.run(ctx);
    } catch (error) {
      const message = `${action.what}: ${messageOf(error)}`;
      ctx.printer.failed('Cleanup', message);
      failures.push(message);
    }
  }
  return failures;
}
