import { pino } from 'pino';
import type { Reconciler } from './reconciler.js';
import { runReconcilers } from './run-reconcilers.js';

const desired = { instance_id: 'inst_1', version: '7', modules: [] };

describe(runReconcilers.name, () => {
  it('runs every reconciler in order and isolates a failing one in its facts', async () => {
    const order: string[] = [];
    const reconciler = (name: string, fail = false): Reconciler => ({
      name,
      reconcile: async (state) => {
        order.push(name);
        if (fail) throw new Error(`${name} broke`);
        return { phase: 'ready', version: state.version };
      },
    });
    const sut = await runReconcilers([reconciler('a'), reconciler('b', true), reconciler('c')], desired, new AbortController().signal, pino({ level: 'silent' }));
    expect(order).toEqual(['a', 'b', 'c']);
    expect(sut).toEqual({ a: { phase: 'ready', version: '7' }, b: { phase: 'error', error: 'b broke' }, c: { phase: 'ready', version: '7' } });
  });
});
