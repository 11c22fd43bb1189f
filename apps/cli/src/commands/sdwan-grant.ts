import { checkDuration, stringValue } from '../args.js';
import { usageError } from '../errors.js';
import type { AccessGrant } from '../types.js';
import { printJson, type Command } from './command.js';

export const sdwanGrant: Command = {
  name: 'sdwan grant',
  usage: 'sdwan grant --network <id> [--name hint] [--ttl 24h]',
  summary: 'system_sdwan_create_access_grant: prints only the wg-quick config on stdout (> laptop.conf), notes on stderr',
  options: { network: { type: 'string' }, name: { type: 'string' }, ttl: { type: 'string' } },
  async run(ctx) {
    const network = stringValue(ctx.args, 'network');
    if (!network || ctx.args.positionals.length) throw usageError(`usage: powernode ${sdwanGrant.usage}`);
    const name = stringValue(ctx.args, 'name');
    const ttl = stringValue(ctx.args, 'ttl');
    if (ttl) checkDuration('ttl', ttl);
    const out = await ctx.client().call<AccessGrant>('system_sdwan_create_access_grant', {
      network_id: network,
      ...(name ? { device_name_hint: name } : {}),
      ...(ttl ? { ttl } : {}),
    });
    if (ctx.json) return printJson(ctx, out);
    ctx.out(out.wireguard_config.endsWith('\n') ? out.wireguard_config : out.wireguard_config + '\n');
    const g = out.grant;
    ctx.err(`access grant ${g.id}: device ${g.device_name} at ${g.overlay_address} until ${g.expires_at}; its private key is in this config only, keep the file private\n`);
  },
};
