import { flag, stringValue } from '../args.js';
import { usageError } from '../errors.js';
import type { ContainerDeleted } from '../types.js';
import { printJson, type Command } from './command.js';

export const rm: Command = {
  name: 'rm',
  usage: 'rm <container> [--force] [--host H]',
  summary: 'docker_delete_container (--force stops it first)',
  options: { force: { type: 'boolean', short: 'f' }, host: { type: 'string' } },
  async run(ctx) {
    const [container, ...extra] = ctx.args.positionals;
    if (!container || extra.length) throw usageError(`usage: powernode ${rm.usage}`);
    const host = stringValue(ctx.args, 'host');
    const out = await ctx.client().call<ContainerDeleted>('docker_delete_container', { container_id: container, force: flag(ctx.args, 'force'), ...(host ? { host_id: host } : {}) });
    if (ctx.json) return printJson(ctx, out);
    ctx.out(`${out.container_id}\n`);
  },
};
