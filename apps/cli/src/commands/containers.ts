import { stringValue } from '../args.js';
import { renderTable } from '../table.js';
import type { ContainerList } from '../types.js';
import { printJson, type Command } from './command.js';

type Port = ContainerList['containers'][number]['ports'][number];
const port = (p: Port) => (p.host ? `[${p.host_ip ?? ''}]:${p.host}->${p.container}/${p.protocol}` : `${p.container}/${p.protocol}`);

export const containers: Command = {
  name: 'containers',
  usage: 'containers [--host H]',
  summary: 'docker_list_containers: containers on a host, live from its daemon (stopped ones too)',
  options: { host: { type: 'string' } },
  async run(ctx) {
    const host = stringValue(ctx.args, 'host');
    const list = await ctx.client().call<ContainerList>('docker_list_containers', host ? { host_id: host } : {});
    if (ctx.json) return printJson(ctx, list);
    ctx.out(
      renderTable(
        ['container id', 'name', 'image', 'status', 'ports'],
        list.containers.map((c) => [c.id.slice(0, 12), c.name, c.image, c.status, c.ports.map(port).join(', ')]),
      ),
    );
  },
};
