import { flag, parseEnv, parsePort, stringValue, stringValues } from '../args.js';
import { usageError } from '../errors.js';
import type { ContainerCreated } from '../types.js';
import { printJson, type Command, type CommandContext } from './command.js';

export const run: Command = {
  name: 'run',
  usage: 'run <image> [--name N] [-p host:container[/proto]]... [-e K=V]... [--host H] [--detach|-d] [-- cmd...]',
  summary: "docker_create_container; ports bind the host's overlay /128; -d also starts it",
  options: {
    name: { type: 'string' },
    publish: { type: 'string', short: 'p', multiple: true },
    env: { type: 'string', short: 'e', multiple: true },
    host: { type: 'string' },
    detach: { type: 'boolean', short: 'd' },
  },
  async run(ctx) {
    const input = runInput(ctx);
    const { container } = await ctx.client().call<ContainerCreated>('docker_create_container', input);
    if (ctx.json) return printJson(ctx, { container });
    ctx.out(`${container.id}\n`);
    if (!input.detach) ctx.err(`created ${container.name} (${container.state}); the platform cannot attach to it: pass -d to start it\n`);
  },
};

/** The action input for `run`'s arguments (exported for the unit tests). */
export function runInput(ctx: Pick<CommandContext, 'args' | 'io'>): Record<string, unknown> & { detach: boolean } {
  const [image, ...extra] = ctx.args.positionals;
  if (!image) throw usageError(`usage: powernode ${run.usage}`);
  if (extra.length) throw usageError(`unexpected ${extra.join(' ')}: put the container's command after --`);
  const name = stringValue(ctx.args, 'name');
  const host = stringValue(ctx.args, 'host');
  const env = parseEnv(stringValues(ctx.args, 'env'), ctx.io.env);
  return {
    image,
    ...(name ? { name } : {}),
    ...(host ? { host_id: host } : {}),
    ports: stringValues(ctx.args, 'publish').map(parsePort),
    ...(Object.keys(env).length ? { env } : {}),
    ...(ctx.args.rest.length ? { cmd: ctx.args.rest } : {}),
    detach: flag(ctx.args, 'detach'),
  };
}
