import { flag, positiveInt, stringValue } from '../args.js';
import { renderTable } from '../table.js';
import type { EventSummary, RecentEvents } from '../types.js';
import { printJson, type Command, type CommandContext } from './command.js';

const HEADERS = ['time', 'kind', 'aggregate', 'actor'];
const row = (e: EventSummary) => [e.occurred_at, e.kind, e.aggregate_id, e.actor];

export const events: Command = {
  name: 'events',
  usage: 'events [--follow] [--kind prefix] [--limit N]',
  summary: 'recent_events, oldest first; --follow then streams the event watch until Ctrl-C',
  options: { follow: { type: 'boolean', short: 'f' }, kind: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx) {
    const kind = stringValue(ctx.args, 'kind');
    const limit = positiveInt('limit', stringValue(ctx.args, 'limit'));
    const recent = async () => {
      const out = await ctx.client().call<RecentEvents>('recent_events', { ...(kind ? { kind_prefix: kind } : {}), ...(limit ? { limit } : {}) });
      return out.events.reverse();
    };
    if (!flag(ctx.args, 'follow')) {
      const list = await recent();
      if (ctx.json) return printJson(ctx, { events: list });
      return ctx.out(renderTable(HEADERS, list.map(row)));
    }
    await follow(ctx, kind, recent);
  },
};

/**
 * Opens the watch first, then reads the recent events, so nothing falls between the two; events of both are
 * printed once. Streaming prints one JSON object per line with --json, else one line per event.
 */
async function follow(ctx: CommandContext, kind: string | undefined, recent: () => Promise<EventSummary[]>): Promise<void> {
  const line = (e: EventSummary) => (ctx.json ? JSON.stringify(e) + '\n' : `${e.occurred_at}  ${e.kind}  ${e.aggregate_id}  ${e.actor}\n`);
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  ctx.io.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const watch = await ctx.client().watch(kind, stop.signal);
    const seen = new Set<string>();
    for (const e of await recent()) {
      seen.add(e.id);
      ctx.out(line(e));
    }
    ctx.err(`watching ${kind ?? 'system'} events (Ctrl-C to stop)\n`);
    for await (const e of watch) if (!seen.has(e.id)) ctx.out(line(e));
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    ctx.io.signal?.removeEventListener('abort', onAbort);
  }
}
