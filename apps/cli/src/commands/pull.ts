import { stringValue } from '../args.js';
import { usageError } from '../errors.js';
import { isProgressOf, progressBar, progressLine, type PullProgress } from '../progress.js';
import type { ImagePulled } from '../types.js';
import { printJson, type Command, type CommandContext } from './command.js';

const PROGRESS_KIND = 'system.docker.image.pull_progress';

export const pull: Command = {
  name: 'pull',
  usage: 'pull <image> [--host H]',
  summary: 'docker_pull_image, with progress from the event watch (a bar on a terminal, lines otherwise)',
  options: { host: { type: 'string' } },
  async run(ctx) {
    const [image, ...extra] = ctx.args.positionals;
    if (!image || extra.length) throw usageError(`usage: powernode ${pull.usage}`);
    const host = stringValue(ctx.args, 'host');
    const client = ctx.client();
    const stopWatch = new AbortController();
    const progress = await watchProgress(ctx, image, host, stopWatch.signal);
    try {
      const { image: pulled } = await client.call<ImagePulled>('docker_pull_image', { image, ...(host ? { host_id: host } : {}) });
      stopWatch.abort();
      await progress.done;
      if (ctx.json) return printJson(ctx, { image: pulled });
      ctx.out(`${pulled.repo_tags[0] ?? image} ${pulled.id} (${(pulled.size / 1_000_000).toFixed(1)} MB)\n`);
    } finally {
      stopWatch.abort();
      await progress.done;
    }
  },
};

/**
 * Renders this pull's progress events on stderr while the call runs. Progress is a nicety: a watch that cannot
 * be opened (say, a token without events_read) only costs the bar.
 */
async function watchProgress(ctx: CommandContext, image: string, host: string | undefined, signal: AbortSignal): Promise<{ done: Promise<void> }> {
  const tty = ctx.io.stderr.isTTY === true;
  let events: AsyncIterable<{ kind: string; data: Record<string, unknown> }>;
  try {
    events = await ctx.client().watch(PROGRESS_KIND, signal);
  } catch {
    return { done: Promise.resolve() };
  }
  let drawn = false;
  const done = (async () => {
    try {
      for await (const event of events) {
        const p = event.data as unknown as PullProgress;
        if (event.kind !== PROGRESS_KIND || !isProgressOf(p, image, host)) continue;
        if (tty) ctx.err(`\r\x1b[2K${progressBar(p)}`);
        else ctx.err(progressLine(p) + '\n');
        drawn = true;
      }
    } catch {
      // the watch broke off: the pull's own answer still decides the outcome
    }
    if (tty && drawn) ctx.err('\n');
  })();
  return { done };
}
