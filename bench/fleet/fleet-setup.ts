import { randomBytes } from 'node:crypto';
import { catalogActions, sdwanActions } from '@powernode/contracts';
import type { ActionCall } from '@powernode/testing';
import type { SimulatedHost } from './fleet-simulator.js';

export interface FleetPlanOptions {
  agents: number;
  /** Peers per SDWAN network (each network's peers learn each other: networks of a tenant's size, not one of 10,000). */
  networkSize: number;
  /** Requests in flight while provisioning. */
  concurrency?: number;
  /** Templates to spread the hosts over (host i on template i mod templates); default 1. */
  templates?: number;
}

/** What the platform made for the fleet, and how long each step took per host. */
export interface FleetPlan {
  /** The first template (all hosts' with one template). */
  templateId: string;
  templateIds: string[];
  hosts: SimulatedHost[];
  overlays: string[];
  timings: { provisionMs: number[]; attachMs: number[] };
}

/**
 * Provisions the fleet through the platform's own actions, as an operator and the instance provider would:
 * a template, then `agents` instances on the `external` provider (the platform records each and answers with its
 * single-use bootstrap token; the simulator is the machine), each attached to an SDWAN network of `networkSize` peers.
 */
export async function planFleet(call: ActionCall, options: FleetPlanOptions): Promise<FleetPlan> {
  const tag = randomBytes(3).toString('hex');
  const templateIds: string[] = [];
  for (let t = 0; t < (options.templates ?? 1); t += 1) {
    templateIds.push((await call(catalogActions.systemCreateTemplate, { name: t === 0 ? `fleet-${tag}` : `fleet-${tag}-t${t}` })).template.id);
  }
  const networks: string[] = [];
  for (let n = 0; n < Math.ceil(options.agents / options.networkSize); n += 1) {
    networks.push((await call(sdwanActions.systemSdwanCreateNetwork, { name: `fleet-${tag}-${n}` })).network.id);
  }
  const timings: FleetPlan['timings'] = { provisionMs: [], attachMs: [] };
  const timed = async <T>(into: number[], work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    into.push(performance.now() - started);
    return result;
  };
  const hosts: SimulatedHost[] = new Array(options.agents);
  const overlays: string[] = new Array(options.agents);
  await inParallel(options.agents, options.concurrency ?? 32, async (i) => {
    const { instance, bootstrap } = await timed(timings.provisionMs, () =>
      call(catalogActions.systemProvisionInstance, { template_id: templateIds[i % templateIds.length]!, name: `fleet-${tag}-${i}`, provider: 'external' }),
    );
    const { peer } = await timed(timings.attachMs, () => call(sdwanActions.systemSdwanAttachPeer, { network_id: networks[Math.floor(i / options.networkSize)]!, node_instance_id: instance.id }));
    hosts[i] = { instanceId: instance.id, bootstrapToken: bootstrap.token };
    overlays[i] = String(peer.overlay_address);
  });
  return { templateId: templateIds[0]!, templateIds, hosts, overlays, timings };
}

/** Runs `work(0..count-1)` with at most `concurrency` in flight; the first failure fails the whole. */
export async function inParallel(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    }),
  );
}
