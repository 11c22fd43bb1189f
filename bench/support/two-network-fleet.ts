// The layout the docker end-to-end tests share: a1 and a2 from a docker template on network A, b1 from a plain
// template on network B. Every instance online with its overlay /128 before it returns; docker is not assigned yet.
import { eventually } from '@powernode/testing';
import type { LocalPlatform } from './local-platform.js';

export type FleetName = 'a1' | 'a2' | 'b1';

export interface TwoNetworkFleet {
  /** Instance id, network namespace and overlay address by name. */
  ids: Map<FleetName, string>;
  ns: Map<FleetName, string>;
  overlay: Map<FleetName, string>;
  dockerTemplate: string;
  networkA: string;
  networkB: string;
}

export async function provisionTwoNetworkFleet(local: LocalPlatform): Promise<TwoNetworkFleet> {
  const { template: docker } = await local.tool('system_create_template', { name: `docker-${local.prefix}` });
  const { template: plain } = await local.tool('system_create_template', { name: `plain-${local.prefix}` });
  const ids = new Map<FleetName, string>();
  const ns = new Map<FleetName, string>();
  const overlay = new Map<FleetName, string>();
  for (const [name, template] of [['a1', docker.id], ['a2', docker.id], ['b1', plain.id]] as const) {
    ids.set(name, (await local.tool('system_provision_instance', { template_id: template, name: `${local.prefix}-${name}` })).instance.id);
  }
  await eventually(
    async () => {
      const provisioned = await local.catalog.provider!.list();
      for (const [name, id] of ids) ns.set(name, provisioned.find((p) => p.instanceId === id)!.namespace);
      for (const id of ids.values()) {
        const { status } = (await local.tool('system_get_instance', { id })).instance;
        if (status !== 'online') throw new Error(`instance ${id} is ${status}, not online`);
      }
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  const { network: a } = await local.tool('system_sdwan_create_network', { name: `a-${local.prefix}` });
  const { network: b } = await local.tool('system_sdwan_create_network', { name: `b-${local.prefix}` });
  for (const [name, network] of [['a1', a.id], ['a2', a.id], ['b1', b.id]] as const) {
    overlay.set(name, (await local.tool('system_sdwan_attach_peer', { network_id: network, node_instance_id: ids.get(name) })).peer.overlay_address);
  }
  return { ids, ns, overlay, dockerTemplate: docker.id, networkA: a.id, networkB: b.id };
}
