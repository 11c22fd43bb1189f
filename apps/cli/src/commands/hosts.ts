import { renderTable } from '../table.js';
import type { HostList } from '../types.js';
import { printJson, type Command } from './command.js';

export const hosts: Command = {
  name: 'hosts',
  usage: 'hosts',
  summary: 'docker_list_hosts: managed Docker hosts and their health',
  options: {},
  async run(ctx) {
    const list = await ctx.client().call<HostList>('docker_list_hosts');
    if (ctx.json) return printJson(ctx, list);
    ctx.out(
      renderTable(
        ['host id', 'instance', 'status', 'docker', 'overlay', 'last checked', 'error'],
        list.hosts.map((h) => [h.id, h.node_instance_id, h.status, h.version, h.overlay_address, h.last_checked_at, h.last_error]),
      ),
    );
  },
};
