import { renderTable } from '../table.js';
import type { ProvisioningStatus } from '../types.js';
import { printJson, type Command } from './command.js';

const state = (p: { reachable: boolean }) => (p.reachable ? 'up' : 'down');

export const status: Command = {
  name: 'status',
  usage: 'status',
  summary: 'platform_provisioning_status: NATS, PostgreSQL, services, the CA and the image registry',
  options: {},
  async run(ctx) {
    const s = await ctx.client().call<ProvisioningStatus>('platform_provisioning_status');
    if (ctx.json) return printJson(ctx, s);
    const messages = s.jetstream.messages !== undefined ? ` (${s.jetstream.messages} messages)` : '';
    const rows = [
      ['nats', state(s.nats), '', s.nats.version, s.nats.error],
      ['jetstream', state(s.jetstream), '', `${s.jetstream.stream}${messages}`, s.jetstream.error],
      ['postgres', state(s.postgres), '', s.postgres.version, s.postgres.error],
      ...s.services.map((svc) => [svc.name, state(svc), svc.instances, svc.version, svc.error]),
    ];
    ctx.out(renderTable(['part', 'state', 'instances', 'version', 'error'], rows));
    const days = s.ca.intermediate_days_left !== undefined ? Math.floor(s.ca.intermediate_days_left) : '-';
    ctx.out(`\nCA: ${s.ca_adapter ?? '-'} ${state(s.ca)}, can sign: ${s.ca.can_sign ?? '-'}, chain valid: ${s.ca.chain_valid ?? '-'}, intermediate days left: ${days}${s.ca.error ? `, ${s.ca.error}` : ''}\n`);
    if (!s.registry) return ctx.out('Registry: none configured\n');
    ctx.out(`Registry: ${s.registry.url ?? '-'} ${s.registry.ready ? 'ready' : 'not ready'}${s.registry.error ? `: ${s.registry.error}` : ''}\n`);
    for (const image of s.registry.images) ctx.out(`  ${image}\n`);
  },
};
